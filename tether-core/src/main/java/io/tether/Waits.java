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
 * it ({@code [chan receive, 5 minutes]}) and cancellation uses it to skip the interrupt exactly
 * when the cancel itself ends the wait ({@link Wait#deliveredBy}). Nothing is stored per task or
 * per thread, so spawning pays nothing for it.
 */
final class Waits {
  private Waits() {}

  /**
   * One wait: {@code reason} is what kind of wait ({@code ctx.await}, {@code task.join}, {@code
   * chan receive}), {@code target} what it waits on, {@code sinceNanos} when it began ({@link
   * System#nanoTime}). The other components say how a cancellation can end it (see {@link
   * #deliveredBy}): {@code wakeOn} a context whose cancellation ends it, and then either no {@code
   * the {@code parker} that {@code wakeOn}'s cancellation claims for {@link Parker#CANCELLED}; or, for a
   * select, the {@code parker} and its {@code clauses}, of which those ended by a context's
   * cancellation (a {@code ctx.onDone} clause) are claimed for their own index. A wait with no parker is never ended by a cancellation alone.
   */
  record Wait(
      String reason,
      Object target,
      long sinceNanos,
      DoneSource wakeOn,
      Parker parker,
      Arm[] clauses) {

    /**
     * Called by the cancellation {@code d} of a task's own context, after it has cascaded, with the
     * wait the task's thread was seen parked in when the cancel began. Returns true only if that
     * cancellation itself ends this wait: it already did (its link claimed the parker), or does so
     * now (claims the parker here). The claim decides how the wait ends, so the thread leaves it
     * knowing it was cancelled, and needs no interrupt, even if it has moved on since. False in
     * every other case (the wait ended otherwise first: a value, a close, a timeout, another
     * context; or no cancellation can end it): the caller must interrupt.
     */
    boolean deliveredBy(Object d) {
      if (clauses != null) {
        for (int i = 0; i < clauses.length; i++) {
          if (claimFor(clauses[i].cancelledBy(), i, d)) {
            return true;
          }
        }
        return false;
      }
      return parker != null && claimFor(wakeOn, Parker.CANCELLED, d);
    }

    private boolean claimFor(DoneSource ctx, int index, Object d) {
      if (ctx == null || ctx.done() != d) {
        return false;
      }
      if (parker.tryClaim(index)) {
        parker.complete();
        return true;
      }
      // Claimed already: by this cancellation only if for the same clause (a context is done
      // once, so its link claimed it for d), not by a value, a close, a timer or the thread.
      return parker.state() == index;
    }
  }

  /**
   * A context as a wait sees it (this layer sits below contexts): its done state, null while live
   * and then one object for good, compared by identity.
   */
  interface DoneSource {
    Object done();
  }

  /** One clause of a select, as its wait sees it: the context whose cancellation readies it. */
  interface Arm {
    /** The context whose cancellation readies this clause ({@code ctx.onDone}), else null. */
    DoneSource cancelledBy();
  }

  /** A wait on {@code target}, beginning now, that no cancellation ends by itself. */
  static Wait begin(String reason, Object target) {
    return Hooks.waitBegan(new Wait(reason, target, System.nanoTime(), null, null, null));
  }

  /**
   * A wait of {@code parker} on {@code target} that {@code ctx}'s cancellation (if {@code ctx} is
   * not null) ends by claiming the parker for {@link Parker#CANCELLED}.
   */
  static Wait parked(String reason, Object target, DoneSource ctx, Parker parker) {
    return Hooks.waitBegan(new Wait(reason, target, System.nanoTime(), ctx, parker, null));
  }

  /** A select's wait: each of its done clauses ends it when its context is cancelled. */
  static Wait select(Object target, Parker parker, Arm[] clauses) {
    return Hooks.waitBegan(new Wait("select", target, System.nanoTime(), null, parker, clauses));
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
