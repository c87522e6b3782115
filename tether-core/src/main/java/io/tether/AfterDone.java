package io.tether;

import io.tether.ContextErrors.Done;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * A {@link Context#afterDone} action: linked on the context's source until it is done, then run
 * once as the one task of a scope of its own ({@code afterDone}), which leaves the registry when
 * the action ends. {@code state} moves once, from ARMED to RAN or to STOPPED, by CAS; whichever of
 * the run and {@link #stop()} wins decides. {@code task} is set (once) right after the RAN
 * transition, before the task can start; joiners wait for it on {@code joiners}, closed once it is
 * set or the registration is stopped.
 */
final class AfterDone extends DoneLink implements Registration {
  private static final int ARMED = 0;
  private static final int RAN = 1;
  private static final int STOPPED = 2;
  private static final VarHandle STATE;
  private static final VarHandle JOINERS;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(AfterDone.class, "state", int.class);
      JOINERS =
          MethodHandles.lookup().findVarHandle(AfterDone.class, "joiners", Waits.Parked.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final AbstractContext context;
  private final Runnable action;

  /** Where afterDone was called: the spawn site of the action's task. */
  private final Object site;

  private volatile int state;
  private volatile Task<Void> task;

  /** Threads in {@link #join()} waiting for {@link #task} to be set (or for a stop). */
  private volatile Waits.Parked joiners;

  AfterDone(AbstractContext context, Runnable action) {
    this.context = context;
    this.action = action;
    this.site = SpawnSites.capture(action);
  }

  /** Runs on the cancelling thread: quick, and no user code (the action runs on its own task). */
  @Override
  void onDone(Done done) {
    if (STATE.compareAndSet(this, ARMED, RAN)) {
      Scope scope = Scope.supervised(Context.background(), "afterDone");
      try {
        task = scope.goAt("run", c -> action.run(), site);
      } finally {
        scope.seal(); // leaves the registry when the action ends
        Waits.unparkAll(Waits.close(this, JOINERS));
      }
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
    Waits.unparkAll(Waits.close(this, JOINERS));
    return true;
  }

  @Override
  public Optional<Task<Void>> task() {
    return Optional.ofNullable(task);
  }

  @Override
  public void join() throws InterruptedException {
    Waits.Wait wait = Waits.begin("afterDone.join", this);
    while (task == null && state != STOPPED) {
      Waits.push(this, JOINERS, new Waits.Parked(Thread.currentThread()));
      if (task != null || state == STOPPED) {
        break;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while joining " + this);
      }
      java.util.concurrent.locks.LockSupport.park(wait);
    }
    Task<Void> t = task;
    if (t == null) {
      return; // stopped before it ran
    }
    try {
      t.join();
    } catch (CancellationException notPossible) {
      // The action's task context is a child of the background: nothing cancels it.
      throw new AssertionError(this + ": its task was cancelled", notPossible);
    }
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
