package io.tether;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

/**
 * A scope's {@link Scope#limit}: how many of its tasks may run at once (Go's {@code SetLimit}). A
 * count of free slots changed by CAS, and the spawns waiting for one on a Treiber stack, drained by
 * each release and by the scope's cancel. Made only by {@code limit(n)}: a scope without a limit
 * has none and pays nothing for it.
 */
final class SpawnLimit {
  private static final VarHandle AVAILABLE;
  private static final VarHandle WAITERS;

  static {
    try {
      AVAILABLE = MethodHandles.lookup().findVarHandle(SpawnLimit.class, "available", int.class);
      WAITERS =
          MethodHandles.lookup().findVarHandle(SpawnLimit.class, "waiters", Waits.Parked.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Free slots; changed by CAS. */
  private volatile int available;

  /** Spawns waiting for a slot (a Treiber stack); drained by each release and by the cancel. */
  private volatile Waits.Parked waiters;

  SpawnLimit(int n) {
    this.available = n;
  }

  /** Takes a slot if one is free; never blocks. */
  boolean tryAcquire() {
    int a;
    do {
      a = available;
      if (a <= 0) {
        return false;
      }
    } while (!AVAILABLE.compareAndSet(this, a, a - 1));
    return true;
  }

  /**
   * Waits for a slot of {@code scope}'s until one is free, the scope is cancelled (throws {@link
   * CancellationException}) or the thread is interrupted (the same, interrupt status kept).
   */
  void await(Scope scope, Waits.Wait wait) {
    while (true) {
      // Pushed before the re-check: a release or cancel after it sees this waiter and wakes it.
      // A waiter left on the stack after taking a slot costs one spurious unpark later.
      Waits.push(this, WAITERS, new Waits.Parked(Thread.currentThread()));
      ContextErrors.Done d = scope.contextNode().doneState();
      if (d != null) { // checked before taking a slot: a cancelled scope starts nothing more
        CancellationException c =
            new CancellationException(
                scope.describe()
                    + " was cancelled while a spawn waited at its limit: "
                    + d.message());
        c.initCause(d.cause());
        throw c;
      }
      if (tryAcquire()) {
        return;
      }
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new CancellationException(
            "interrupted while waiting for a slot in " + scope.describe() + " (at its limit)");
      }
      LockSupport.park(wait);
    }
  }

  /** Gives a slot back and wakes the waiting spawns. */
  void release() {
    AVAILABLE.getAndAdd(this, 1);
    wakeAll();
  }

  /** Wakes every waiting spawn (each re-checks); for a release and for the scope's cancel. */
  void wakeAll() {
    Waits.unparkAll(Waits.drain(this, WAITERS));
  }
}
