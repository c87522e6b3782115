package io.tether.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Holds every carrier thread of the virtual-thread scheduler busy, so that a virtual thread that is
 * unparked meanwhile cannot run until {@link #close()}: the way to force "woken, but not yet
 * running" in a race test without sleeping.
 *
 * <p>Each spinner is a virtual thread that spins (never parks, never yields) until released; once
 * as many spin at once as there are carriers, no other virtual thread can be mounted. Call from a
 * platform thread.
 */
public final class Carriers implements AutoCloseable {
  private final List<Thread> spinners = new ArrayList<>();
  private volatile boolean release;

  private Carriers() {}

  /** The number of carriers: the scheduler's parallelism. */
  public static int count() {
    return Integer.getInteger(
        "jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
  }

  /** Returns once every carrier runs a spinner. */
  public static Carriers occupyAll() {
    if (Thread.currentThread().isVirtual()) {
      throw new IllegalStateException("occupyAll() must be called from a platform thread");
    }
    Carriers c = new Carriers();
    int n = count();
    CountDownLatch running = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      c.spinners.add(
          Thread.ofVirtual()
              .name("carrier-hog-" + i)
              .start(() -> {
                running.countDown();
                while (!c.release) {
                  Thread.onSpinWait();
                }
              }));
    }
    Bounded.await(running);
    return c;
  }

  /** Lets the spinners end, and waits until they have. */
  @Override
  public void close() {
    release = true;
    for (Thread t : spinners) {
      Bounded.join(t);
    }
  }
}
