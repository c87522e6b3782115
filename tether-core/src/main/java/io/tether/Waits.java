package io.tether;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The wait-state hook every blocking Tether primitive goes through, and the small parking helpers
 * they share.
 *
 * <p>A primitive about to park makes a {@link Wait} with {@link #begin} and parks with it as the
 * park blocker ({@code LockSupport.park(wait)}). The JDK keeps the blocker on the thread while it
 * is parked and {@link LockSupport#getBlocker(Thread)} reads it from any thread: the registry shows
 * it ({@code [chan receive, 5 minutes]}) and cancellation uses it to skip the interrupt when the
 * cancel itself ends the wait. Nothing is stored per task or per thread, so spawning pays nothing
 * for it.
 */
final class Waits {
  private Waits() {}

  /**
   * One wait: {@code reason} is what kind of wait ({@code ctx.await}, {@code task.join}, {@code
   * chan receive}), {@code target} what it waits on, {@code wakeOn} a context whose cancellation
   * ends the wait by itself (or null), {@code sinceNanos} when it began ({@link System#nanoTime}).
   */
  record Wait(String reason, Object target, Context wakeOn, long sinceNanos) {
    /** Whether a cancellation has already ended this wait (so no interrupt is needed). */
    boolean endedByCancel() {
      return wakeOn != null && wakeOn.isDone();
    }
  }

  /** A wait on {@code target}, beginning now; park with it as the blocker. */
  static Wait begin(String reason, Object target) {
    return new Wait(reason, target, null, System.nanoTime());
  }

  /** Like {@link #begin(String, Object)}; {@code wakeOn}'s cancellation ends the wait itself. */
  static Wait begin(String reason, Object target, Context wakeOn) {
    return new Wait(reason, target, wakeOn, System.nanoTime());
  }

  /** The Tether wait {@code thread} is parked in now, or null. */
  static Wait of(Thread thread) {
    return LockSupport.getBlocker(thread) instanceof Wait w ? w : null;
  }

  /** A parked thread on a Treiber stack of waiters. */
  static final class Parked {
    final Thread thread;
    Parked next;

    Parked(Thread thread) {
      this.thread = thread;
    }
  }

  /** Marks a stack closed: nothing is pushed after the final drain. */
  private static final Parked CLOSED = new Parked(null);

  /**
   * Pushes {@code p} on the stack in {@code field} of {@code holder}; false if the stack was closed
   * by {@link #close} (the event it waits for has happened).
   */
  static boolean push(Object holder, VarHandle field, Parked p) {
    while (true) {
      Parked head = (Parked) field.getVolatile(holder);
      if (head == CLOSED) {
        return false;
      }
      p.next = head;
      if (field.compareAndSet(holder, head, p)) {
        return true;
      }
    }
  }

  /** Takes every waiter off the stack, leaving it empty (it may be pushed again). */
  static Parked drain(Object holder, VarHandle field) {
    Parked head = (Parked) field.getAndSet(holder, (Parked) null);
    return head == CLOSED ? null : head;
  }

  /** Takes every waiter off the stack and closes it for good. */
  static Parked close(Object holder, VarHandle field) {
    Parked head = (Parked) field.getAndSet(holder, CLOSED);
    return head == CLOSED ? null : head;
  }

  static void unparkAll(Parked p) {
    for (; p != null; p = p.next) {
      LockSupport.unpark(p.thread);
    }
  }
}
