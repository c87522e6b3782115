package io.tether;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One blocked operation (a send, a receive, or a whole {@code select}) and the thread parked in it.
 *
 * <p>Protocol: {@code state} starts {@link #OPEN}. Whoever completes the operation first claims it
 * by CAS to the index of the clause that proceeds (a counterpart on a channel, a closing channel, a
 * context's done link on a select, a timer), to {@link #CANCELLED} (a context's done link on a
 * plain operation) or to {@link #ABANDONED} (the parked thread itself, when interrupted or timed
 * out). Only the claimer then writes {@code value}/{@code closed} and finally sets {@code done} and
 * unparks. The parked thread reads the outcome after seeing {@code done}: the volatile write and
 * read order it (claimer's actions happen-before the woken thread's).
 */
class Parker {
  static final int OPEN = -1;
  static final int ABANDONED = -2;

  /**
   * The claim of a context's done link on a plain operation (not a select clause): the operation
   * was cancelled. Apart from {@link #ABANDONED} so that a cancellation can tell that it, and not
   * the thread itself, ended the wait.
   */
  static final int CANCELLED = -3;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Parker.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Thread thread;

  /**
   * Encoded so that "open" is the default 0 (a volatile initial store would cost a fence on every
   * blocked operation): 0 open, -1 abandoned, {@code clause + 1} claimed for that clause. {@link
   * #state()} decodes.
   */
  private volatile int state;

  private static final int RAW_OPEN = 0;
  private static final int RAW_ABANDONED = -1;
  private static final int RAW_CANCELLED = -2;

  /** Set by the claimer, before {@code done}: the received value. */
  Object value;

  /** Set by the claimer, before {@code done}: the channel of the winning clause was closed. */
  boolean closed;

  volatile boolean done;

  /**
   * Set by the waiting thread right before it parks, and then checked against {@code done}: a
   * claimer that finds it false after setting {@code done} need not unpark (the waiter will see
   * {@code done} before parking). Both are volatile, so one of the two always sees the other. Saves
   * an unpark, an atomic on the other thread's state, on every hand-off that the waiter catches
   * while spinning.
   */
  private volatile boolean parked;

  Parker(Thread thread) {
    this.thread = thread;
  }

  boolean tryClaim(int clause) {
    int raw =
        clause == ABANDONED ? RAW_ABANDONED : clause == CANCELLED ? RAW_CANCELLED : clause + 1;
    return state == RAW_OPEN && STATE.compareAndSet(this, RAW_OPEN, raw);
  }

  /**
   * {@link #OPEN}, {@link #ABANDONED}, {@link #CANCELLED} or the index of the clause it was claimed
   * for.
   */
  int state() {
    int raw = state;
    return switch (raw) {
      case RAW_OPEN -> OPEN;
      case RAW_ABANDONED -> ABANDONED;
      case RAW_CANCELLED -> CANCELLED;
      default -> raw - 1;
    };
  }

  /** Publishes the outcome and wakes the thread. Only the claimer calls this, once. */
  void complete() {
    done = true;
    if (parked) {
      LockSupport.unpark(thread);
    }
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
   * the index of the clause that proceeded, {@link #ABANDONED} if this thread abandoned it, or
   * {@link #CANCELLED} if a context link claimed it (the caller then unregisters and reports why).
   * If a claimer wins the race against the abandonment, waits for it and returns its clause, with
   * the interrupt status kept.
   */
  int awaitDone(boolean timed, long deadlineNanos, Waits.Wait wait) {
    return awaitDone(timed, deadlineNanos, wait, 0);
  }

  /**
   * Spins for a rendezvous, sized by carrier threads, not CPUs: with one carrier the counterpart
   * cannot run while this thread spins, so spinning would only delay it. 32, not 128: a partner
   * running on another carrier answers within a short spin, while a failed spin costs its full
   * length, so a longer spin loses more when it fails than it gains when it succeeds (figures in
   * docs/benchmarks-notes.md).
   */
  static final int RENDEZVOUS_SPINS =
      Integer.getInteger(
                  "jdk.virtualThreadScheduler.parallelism",
                  Runtime.getRuntime().availableProcessors())
              > 1
          ? 32
          : 0;

  /**
   * Spins up to {@code spins} times for {@code done}; returns whether it was seen. Lets a caller
   * skip the bookkeeping of a real wait when the counterpart answers at once.
   */
  boolean spin(int spins) {
    for (int i = 0; i < spins; i++) {
      if (done) {
        return true;
      }
      Thread.onSpinWait();
    }
    return done;
  }

  /** Marks this thread as about to park; false if {@code done} is already set (do not park). */
  private boolean announcePark() {
    parked = true;
    return !done;
  }

  /**
   * Like {@link #awaitDone(boolean, long, Waits.Wait)}, first spinning up to {@code spins} times
   * for the counterpart (a rendezvous partner usually answers within a park's cost).
   */
  int awaitDone(boolean timed, long deadlineNanos, Waits.Wait wait, int spins) {
    spin(spins);
    boolean interrupted = false;
    try {
      while (!done) {
        if (!interrupted && Thread.interrupted()) {
          interrupted = true;
          if (STATE.compareAndSet(this, RAW_OPEN, RAW_ABANDONED)) {
            return ABANDONED;
          }
        }
        if (timed) {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            if (STATE.compareAndSet(this, RAW_OPEN, RAW_ABANDONED)) {
              return ABANDONED;
            }
            Thread.onSpinWait();
            continue;
          }
          if (announcePark()) {
            LockSupport.parkNanos(wait, left);
          }
        } else if (announcePark()) {
          LockSupport.park(wait);
        }
      }
      return state();
    } finally {
      Hooks.waitEnded(wait); // telemetry: the wait is over (no-op for a null wait)
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
