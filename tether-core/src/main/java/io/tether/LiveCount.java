package io.tether;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A scope's count of live tasks and whether it is closed, in one word changed by CAS, and the
 * threads waiting for the count to reach zero ({@code join}, {@code close}, {@code stop}).
 *
 * <p>A spawn counts itself in only while the closed bit is clear, so once the scope has set it, the
 * count can only fall and "no task alive" is final. The word also records whether anything was ever
 * spawned (a limit may only be set before).
 */
final class LiveCount {
  private static final VarHandle CTL;
  private static final VarHandle JOINERS;

  static {
    try {
      CTL = MethodHandles.lookup().findVarHandle(LiveCount.class, "ctl", long.class);
      JOINERS =
          MethodHandles.lookup().findVarHandle(LiveCount.class, "joiners", Waits.Parked.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** {@link #ctl} bits: closed (no more spawns), spawned at least once, and the live count. */
  private static final long CLOSED = 1L << 62;

  private static final long SPAWNED = 1L << 61;
  private static final long LIVE = SPAWNED - 1;

  /** The closed bit, the spawned bit and the number of live tasks. */
  private volatile long ctl;

  /** Threads waiting for {@code live == 0}. */
  private volatile Waits.Parked joiners;

  /** Whether a task was ever counted in. */
  boolean spawnedYet() {
    return (ctl & SPAWNED) != 0;
  }

  /** The number of live tasks. */
  int live() {
    return (int) (ctl & LIVE);
  }

  /** Counts a new task in; false (and nothing counted) once closed. */
  boolean countIn() {
    long c;
    do {
      c = ctl;
      if ((c & CLOSED) != 0) {
        return false;
      }
    } while (!CTL.compareAndSet(this, c, (c + 1) | SPAWNED));
    return true;
  }

  /**
   * Counts an ended task of {@code scope} out. The last task of a closed scope removes it from the
   * registry before the count reaches zero: once a closer sees none live, nothing of it is listed.
   * Wakes the joiners when none is live.
   */
  void countOut(Scope scope) {
    long c;
    do {
      c = ctl;
      if ((c & CLOSED) != 0 && (c & LIVE) == 1) {
        // The last task of a closed scope: nothing can be spawned any more, so leave the registry
        // before the count reaches zero. Once close() sees none live, nothing of it is listed.
        Registry.remove(scope);
        CTL.getAndAdd(this, -1L);
        break;
      }
    } while (!CTL.compareAndSet(this, c, c - 1));
    if ((c & LIVE) == 1) {
      Waits.unparkAll(Waits.drain(this, JOINERS));
    }
  }

  /**
   * Sets the closed bit. Returns whether this call closed it with no task live: then the scope's
   * registry entry goes now, else in {@link #countOut} when the last one ends. The word decides,
   * once.
   */
  boolean close() {
    long before = (long) CTL.getAndBitwiseOr(this, CLOSED);
    return (before & CLOSED) == 0 && (before & LIVE) == 0;
  }

  /**
   * Parks until none is live or {@code nanos} have passed ({@link Long#MAX_VALUE}: no bound);
   * returns whether none is live. {@code scope} names the wait in an interrupt's message.
   */
  boolean awaitNoneLive(long nanos, boolean interruptible, Waits.Wait wait, Scope scope)
      throws InterruptedException {
    long end = System.nanoTime() + nanos;
    while (live() > 0) {
      if (!Waits.push(this, JOINERS, new Waits.Parked(Thread.currentThread()))) {
        throw new AssertionError("scope joiner stack is never closed");
      }
      if (live() == 0) {
        break;
      }
      if (interruptible && Thread.interrupted()) {
        throw new InterruptedException("interrupted while joining " + scope.describe());
      }
      if (nanos == Long.MAX_VALUE) {
        LockSupport.park(wait);
      } else {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        LockSupport.parkNanos(wait, left);
      }
    }
    return true;
  }
}
