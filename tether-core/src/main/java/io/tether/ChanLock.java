package io.tether;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A channel's lock: for an unbuffered channel a test-and-test-and-set spin lock that yields the
 * thread when spinning does not get it soon; for a buffered one a {@code ReentrantLock}.
 *
 * <p>Why spin on an unbuffered channel: every section under the lock is a few dozen instructions
 * that never block (no user code, no park, no I/O: a waker only unparks), and the two sides of a
 * rendezvous meet on it once per value, so a thread that finds it held is better off spinning for
 * the holder than queueing and parking, which on a virtual thread is an unmount and a remount. On
 * unbuffered ping-pong, {@code ReentrantLock}'s acquire and release were a visible share of the
 * profile, and the spin lock shortened the round trip (figures in docs/benchmarks-notes.md).
 *
 * <p>Why not on a buffered one: there producers and consumers run in bursts against the buffer; a
 * spinning contender keeps the lock's cache line moving between carriers, where a parked one lets
 * the holder run its burst alone. With the spin lock for every channel, buffered SPSC and MPMC
 * throughput fell markedly (figures in docs/benchmarks-notes.md).
 *
 * <p>Not reentrant: no path locks a channel it holds (a select locks each distinct channel once, in
 * id order).
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

  /** Null for the spin lock; else the lock used instead. */
  private final ReentrantLock blocking;

  /** A spin lock if {@code spin}, else a {@code ReentrantLock}. */
  ChanLock(boolean spin) {
    this.blocking = spin ? null : new ReentrantLock();
  }

  void lock() {
    if (blocking != null) {
      blocking.lock();
    } else if (!HELD.compareAndSet(this, 0, 1)) {
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
   * For the spin lock a volatile write, not a release store: callers rely on it as on {@code
   * ReentrantLock}'s unlock, a full fence (a volatile read after it is not moved before it).
   */
  void unlock() {
    if (blocking != null) {
      blocking.unlock();
    } else {
      held = 0;
    }
  }
}
