package io.tether.testing;

import java.util.Objects;

/**
 * Helpers for scenarios run under Lincheck's model checker (ChannelScheduleTest,
 * CancelScheduleTest): plain checks (Lincheck tracks every object a scenario touches, and AssertJ's
 * assert objects refuse the equals() it calls), and starting and joining the scenario's threads.
 */
public final class Schedules {
  private Schedules() {}

  /** Interleavings per scenario: bounded for CI; {@code -Pschedule-exhaustive} raises it. */
  public static final int INVOCATIONS = Integer.getInteger("tether.lincheck.invocations", 300);

  public static void check(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError(what);
    }
  }

  public static void checkEquals(Object expected, Object actual, String what) {
    check(Objects.equals(expected, actual), what + ": expected " + expected + " but was " + actual);
  }

  public static Thread start(Runnable r) {
    Thread t = new Thread(r);
    t.start();
    return t;
  }

  public static void join(Thread... threads) {
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
