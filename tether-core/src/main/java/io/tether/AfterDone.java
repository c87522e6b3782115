package io.tether;

import io.tether.ContextErrors.Done;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A {@link Context#afterDone} action: linked on the context's source until it is done, then run
 * once on a new virtual thread. {@code state} moves once, from ARMED to RAN or to STOPPED, by CAS;
 * whichever of the run and {@link #stop()} wins decides.
 */
final class AfterDone extends DoneLink implements Registration {
  private static final int ARMED = 0;
  private static final int RAN = 1;
  private static final int STOPPED = 2;
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(AfterDone.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final AbstractContext context;
  private final Runnable action;
  private volatile int state;

  AfterDone(AbstractContext context, Runnable action) {
    this.context = context;
    this.action = action;
  }

  @Override
  void onDone(Done done) {
    if (STATE.compareAndSet(this, ARMED, RAN)) {
      Thread.ofVirtual().name("tether-afterDone " + context.lineage()).start(action);
    }
  }

  @Override
  public boolean stop() {
    if (!STATE.compareAndSet(this, ARMED, STOPPED)) {
      return false;
    }
    CancelNode source = context.source;
    if (source != null) {
      source.unlink(this);
    }
    return true;
  }

  @Override
  public String toString() {
    String s =
        switch (state) {
          case ARMED -> "armed";
          case RAN -> "ran";
          default -> "stopped";
        };
    return "afterDone(" + context.lineage() + ")[" + s + "]";
  }
}
