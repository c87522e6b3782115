package io.tether;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One blocked operation (a send, a receive, or a whole {@code select}) and the thread parked in it.
 *
 * <p>Protocol: {@code state} starts {@link #OPEN}. Whoever completes the operation first claims it
 * by CAS to the index of the clause that proceeds (a counterpart on a channel, a closing channel, a
 * context's done link, a timer) or to {@link #ABANDONED} (the parked thread itself, when
 * interrupted or timed out). Only the claimer then writes {@code value}/{@code closed} and finally
 * sets {@code done} and unparks. The parked thread reads the outcome after seeing {@code done}: the
 * volatile write and read order it (claimer's actions happen-before the woken thread's).
 */
class Parker {
  static final int OPEN = -1;
  static final int ABANDONED = -2;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Parker.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Thread thread;

  private volatile int state = OPEN;

  /** Set by the claimer, before {@code done}: the received value. */
  Object value;

  /** Set by the claimer, before {@code done}: the channel of the winning clause was closed. */
  boolean closed;

  volatile boolean done;

  Parker(Thread thread) {
    this.thread = thread;
  }

  boolean tryClaim(int clause) {
    return state == OPEN && STATE.compareAndSet(this, OPEN, clause);
  }

  int state() {
    return state;
  }

  /** Publishes the outcome and wakes the thread. Only the claimer calls this, once. */
  void complete() {
    done = true;
    LockSupport.unpark(thread);
  }

  /** Claims and completes at once (no outcome to write); false if already claimed. */
  boolean claimAndComplete(int clause) {
    if (!tryClaim(clause)) {
      return false;
    }
    complete();
    return true;
  }

  /**
   * Parks until the operation is claimed and completed, or until interrupted (or, if {@code timed},
   * until {@code deadlineNanos}), in which case it tries to abandon it. Returns the final state:
   * the index of the clause that proceeded, or {@link #ABANDONED} if this thread abandoned it or a
   * context link claimed it that way (the caller then unregisters and reports why). If a claimer
   * wins the race against the abandonment, waits for it and returns its clause, with the interrupt
   * status kept.
   */
  int awaitDone(boolean timed, long deadlineNanos, Waits.Wait wait) {
    boolean interrupted = false;
    try {
      while (!done) {
        if (!interrupted && Thread.interrupted()) {
          interrupted = true;
          if (STATE.compareAndSet(this, OPEN, ABANDONED)) {
            return ABANDONED;
          }
        }
        if (timed) {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            if (STATE.compareAndSet(this, OPEN, ABANDONED)) {
              return ABANDONED;
            }
            Thread.onSpinWait();
            continue;
          }
          LockSupport.parkNanos(wait, left);
        } else {
          LockSupport.park(wait);
        }
      }
      return state;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
