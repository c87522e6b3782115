package io.tether;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A channel's lock: a test-and-test-and-set spin lock that yields the thread when spinning does not
 * get it soon.
 *
 * <p>Why not {@code ReentrantLock}: every section it guards is a few dozen instructions that never
 * block (no user code, no park, no I/O: a waker only unparks), so a thread that finds it held is
 * better off spinning for the holder than queueing and parking, and on a virtual thread a park is
 * an unmount and a remount. {@code ReentrantLock} parks after a short try; measured on unbuffered
 * ping-pong, its acquire and release were about 15 % of the samples. Not reentrant: no path locks a
 * channel it holds (a select locks each distinct channel once, in id order).
 */
final class ChanLock {
  private static final VarHandle HELD;

  static {
    try {
      HELD = MethodHandles.lookup().findVarHandle(ChanLock.class, "held", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Spins before each yield while the lock is held. */
  private static final int SPINS = 64;

  private volatile int held;

  void lock() {
    if (!HELD.compareAndSet(this, 0, 1)) {
      lockSlow();
    }
  }

  private void lockSlow() {
    int spins = 0;
    while (true) {
      if (held == 0 && HELD.compareAndSet(this, 0, 1)) {
        return;
      }
      if (++spins < SPINS) {
        Thread.onSpinWait();
      } else {
        // The holder may be off its CPU (the OS preempted its carrier) or queued behind this
        // thread on the same carrier: let it run.
        spins = 0;
        Thread.yield();
      }
    }
  }

  /**
   * A volatile write, not a release store: callers rely on it as on {@code ReentrantLock}'s unlock,
   * a full fence (a volatile read after it is not moved before it).
   */
  void unlock() {
    held = 0;
  }
}
