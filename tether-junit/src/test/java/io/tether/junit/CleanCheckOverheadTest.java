package io.tether.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.Context;
import io.tether.Scope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the check costs a clean test: {@code Leaks.snapshot()} before it plus {@code find()} after
 * it, when nothing leaked (one look, no settling). Prints median and p99 over many rounds; the
 * recorded numbers are in tether-junit's README. The assertion is a loose guard against a
 * regression by an order of magnitude, not the 5 ms target itself (CI machines are shared).
 *
 * <p>The clean "test" spawns and joins 10 Tether tasks and one raw virtual thread, so thread ids
 * move and, on the dump path, the JSON dump is taken.
 */
class CleanCheckOverheadTest {

  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void reset() {
    ThreadViews.forceDump = false;
    release.countDown();
  }

  private static void cleanTestBody() throws Exception {
    try (Scope scope = Scope.open(Context.background(), "clean")) {
      for (int i = 0; i < 10; i++) {
        scope.go(c -> {});
      }
    }
    Thread t = Thread.ofVirtual().start(() -> {});
    t.join();
  }

  /** Median and p99 of the check alone (baseline + find), in microseconds. */
  private static long[] measure(int rounds) throws Exception {
    long[] micros = new long[rounds];
    for (int i = -rounds / 5; i < rounds; i++) {
      long t0 = System.nanoTime();
      Baseline b = Leaks.snapshot();
      long t1 = System.nanoTime();
      cleanTestBody();
      long t2 = System.nanoTime();
      List<Leak> leaks = b.find();
      long t3 = System.nanoTime();
      assertThat(leaks).isEmpty();
      if (i >= 0) {
        micros[i] = ((t1 - t0) + (t3 - t2)) / 1000;
      }
    }
    Arrays.sort(micros);
    return new long[] {micros[rounds / 2], micros[rounds * 99 / 100]};
  }

  private void withParkedVirtualThreads(int n) {
    List<Thread> parked = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      parked.add(Thread.ofVirtual().start(() -> LeakCheckEngineTest.awaitQuietly(release)));
    }
    for (Thread t : parked) {
      Parks.untilParked(t);
    }
  }

  private static void report(String what, long[] m) {
    System.out.printf(
        Locale.ROOT,
        "[leak check overhead] %-52s median %6.2f ms  p99 %6.2f ms%n",
        what,
        m[0] / 1000.0,
        m[1] / 1000.0);
  }

  @Test
  void overheadOnACleanTest() throws Exception {
    int platform = Thread.getAllStackTraces().size();
    long[] fast = measure(1000);
    report("thread containers, " + platform + " platform threads", fast);
    ThreadViews.forceDump = true;
    long[] dump = measure(1000);
    report("JSON dump fallback", dump);
    ThreadViews.forceDump = false;
    withParkedVirtualThreads(1000);
    long[] fast1k = measure(500);
    report("thread containers, +1000 parked virtual threads", fast1k);
    ThreadViews.forceDump = true;
    long[] dump1k = measure(100);
    report("JSON dump fallback, +1000 parked virtual threads", dump1k);
    release.countDown();

    assertThat(fast[0]).as("median µs, thread containers").isLessThan(50_000);
  }
}
