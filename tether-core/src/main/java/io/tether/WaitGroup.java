package io.tether;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Go's {@code sync.WaitGroup}: a counter that tasks count down and others wait to reach zero. Most
 * code wants {@link Scope#join()} instead, which also owns the tasks and their failures; a wait
 * group suits counting things that are not tasks (in-flight requests, pending acks).
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * WaitGroup inFlight = new WaitGroup();
 * inFlight.add(1);
 * client.sendAsync(req, resp -> inFlight.done());
 * ...
 * inFlight.await(ctx);      // until every add is matched by a done, or ctx is done
 * }</pre>
 *
 * <h2>Rules</h2>
 *
 * Call {@link #add} before starting what will call {@link #done}. The counter never goes below
 * zero: an {@code add} or {@code done} that would take it there throws {@link
 * IllegalStateException} and changes nothing. Waiting on a counter that is zero returns at once.
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions in a thread before it calls {@code done()} (or {@code add} with a negative delta)
 * happen-before {@link #await()} returns in any thread that waited for the counter to reach zero.
 */
public final class WaitGroup {
  private final Object lock = new Object();
  private long count; // guarded by lock
  private List<Parker> waiters; // guarded by lock; null when none

  /** Creates a wait group at zero. */
  public WaitGroup() {}

  /**
   * Adds {@code delta} (which may be negative) to the counter; at zero, wakes every waiter.
   *
   * @throws IllegalStateException if the counter would go below zero (nothing changes)
   */
  public void add(int delta) {
    List<Parker> wake;
    synchronized (lock) {
      long next = count + delta;
      if (next < 0) {
        throw new IllegalStateException(
            "WaitGroup below zero: counter "
                + count
                + ", add("
                + delta
                + "); every done() must match an earlier add(1)");
      }
      count = next;
      if (next != 0 || waiters == null) {
        return;
      }
      wake = waiters;
      waiters = null;
    }
    for (Parker p : wake) {
      p.claimAndComplete(0);
    }
  }

  /** Counts one down: {@code add(-1)}. */
  public void done() {
    add(-1);
  }

  /** The current count; for diagnostics. */
  public long count() {
    synchronized (lock) {
      return count;
    }
  }

  /**
   * Waits until the counter is zero.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void await() throws InterruptedException {
    await0(null, false, 0);
  }

  /**
   * Waits until the counter is zero or {@code timeout} passes.
   *
   * @return whether the counter reached zero
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean await(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    long nanos = AbstractContext.saturatedNanos(timeout);
    return await0(null, true, System.nanoTime() + Math.max(0, nanos));
  }

  /**
   * Waits until the counter is zero or {@code ctx} is done.
   *
   * @throws java.util.concurrent.CancellationException {@code ctx.err()} if it is done first
   * @throws InterruptedException if interrupted while waiting
   */
  public void await(Context ctx) throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    AbstractContext.throwErrIfDone(ctx);
    await0((AbstractContext) ctx, false, 0);
  }

  private boolean await0(AbstractContext ctx, boolean timed, long deadline)
      throws InterruptedException {
    Parker me;
    synchronized (lock) {
      if (count == 0) {
        return true;
      }
      if (timed && deadline - System.nanoTime() <= 0) {
        return false;
      }
      me = new Parker(Thread.currentThread());
      if (waiters == null) {
        waiters = new ArrayList<>(2);
      }
      waiters.add(me);
    }
    Waits.Wait wait = Waits.parked("waitgroup.await", this, ctx, me);
    AbstractContext.ParkerLink link = ctx == null ? null : ctx.wakeWhenDone(me, Parker.CANCELLED);
    try {
      int won = me.awaitDone(timed, deadline, wait);
      if (won != Parker.ABANDONED && won != Parker.CANCELLED) {
        return true;
      }
      synchronized (lock) {
        if (waiters != null) {
          waiters.remove(me);
        }
      }
      AbstractContext.throwErrIfDone(ctx);
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while awaiting " + this);
      }
      return false; // timed out
    } finally {
      if (link != null) {
        link.stop();
      }
    }
  }

  /** {@code WaitGroup[count=3]}. */
  @Override
  public String toString() {
    return "WaitGroup[count=" + count() + "]";
  }
}
