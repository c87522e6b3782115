package io.tether;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The wait-state hook every blocking Tether primitive goes through, and the small parking helpers
 * they share.
 *
 * <p>A primitive about to park calls {@link #begin(String, Object)} and, however it leaves, {@link
 * #end(Wait)}. On a task's thread that records, on the task, what it waits on and since when: the
 * registry shows it ({@code [chan receive, 5 minutes]}) and cancellation uses it to skip the
 * interrupt when the cancel itself ends the wait. On any other thread both calls do nothing.
 */
final class Waits {
  private Waits() {}

  /**
   * One wait of one task: {@code reason} is what kind of wait ({@code ctx.await}, {@code
   * task.join}, {@code chan receive}), {@code target} what it waits on, {@code wakeOn} a context
   * whose cancellation ends the wait by itself (or null). {@code previous} is restored on {@link
   * #end}.
   */
  record Wait(
      Task<?> task, String reason, Object target, Context wakeOn, long sinceNanos, Wait previous) {
    /** Whether a cancellation has already ended this wait (so no interrupt is needed). */
    boolean endedByCancel() {
      return wakeOn != null && wakeOn.isDone();
    }
  }

  /** Records that the current task starts waiting; null (and nothing recorded) off a task. */
  static Wait begin(String reason, Object target) {
    return begin(reason, target, null);
  }

  /** Like {@link #begin(String, Object)}; {@code wakeOn}'s cancellation ends the wait itself. */
  static Wait begin(String reason, Object target, Context wakeOn) {
    Task<?> task = Registry.CURRENT.get();
    if (task == null) {
      return null;
    }
    Wait w = new Wait(task, reason, target, wakeOn, System.nanoTime(), task.waiting);
    task.waiting = w;
    return w;
  }

  /** Ends a wait begun by {@link #begin}; accepts null. */
  static void end(Wait w) {
    if (w != null) {
      w.task.waiting = w.previous;
    }
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
