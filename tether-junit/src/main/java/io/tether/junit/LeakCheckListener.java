package io.tether.junit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * The whole-suite leak check, with no annotation anywhere: Go's {@code goleak.VerifyTestMain}.
 *
 * <p>Switch it on in {@code src/test/resources/junit-platform.properties}:
 *
 * <pre>
 * tether.leakcheck.suite = true
 * tether.leakcheck.settle = 2s        # optional, default 1s
 * </pre>
 *
 * The JUnit Platform loads this listener by {@link java.util.ServiceLoader} whenever {@code
 * tether-junit} is on the test class path; it does nothing unless the key is true. When on, it
 * takes a {@link Baseline} as the test plan starts and checks it when the plan has finished (after
 * every test and every class's {@code @AfterAll}). Each leak is blamed on the test that was running
 * on the thread that opened its owner chain when it was spawned (raw threads are not blamed). The
 * report is printed to standard error at once, and the launcher session then fails with a {@link
 * LeakError} when it closes, which fails the build (Maven Surefire reports it as an error of the
 * test run). Leaks already reported by a {@link LeakCheck} are not reported again.
 */
public final class LeakCheckListener implements TestExecutionListener, LauncherSessionListener {
  /** The configuration parameter that switches the suite check on. */
  public static final String SUITE_KEY = "tether.leakcheck.suite";

  /**
   * The leaks of the last finished test plan, for the session listener. The two service
   * registrations make two instances: this is what they share.
   */
  private static volatile LeakError pending;

  private volatile Baseline baseline; // null unless the check is on and the plan is running

  /** Per thread, the tests it ran: start and end times (end 0 while running). */
  private final Map<Thread, List<Run>> runs = new ConcurrentHashMap<>();

  /** One test run on one thread; written by that thread, read when the plan has finished. */
  private static final class Run {
    final String test;
    final long startNanos;
    volatile long endNanos; // 0 while it runs

    Run(String test, long startNanos) {
      this.test = test;
      this.startNanos = startNanos;
    }
  }

  /** Made by the JUnit Platform through {@link java.util.ServiceLoader}. */
  public LeakCheckListener() {}

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    boolean on = testPlan.getConfigurationParameters().getBoolean(SUITE_KEY).orElse(false);
    if (!on) {
      baseline = null;
      return;
    }
    LeakOptions options =
        testPlan
            .getConfigurationParameters()
            .get(LeakCheck.SETTLE_KEY)
            .map(s ->
                LeakOptions.defaults().settle(LeakCheck.parseDuration(LeakCheck.SETTLE_KEY, s)))
            .orElse(LeakOptions.defaults());
    runs.clear();
    pending = null;
    baseline = Leaks.snapshot(options);
  }

  @Override
  public void executionStarted(TestIdentifier id) {
    if (baseline != null && id.isTest()) {
      runs.computeIfAbsent(Thread.currentThread(), t -> new ArrayList<>())
          .add(new Run(name(id), System.nanoTime()));
    }
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    if (baseline != null && id.isTest()) {
      List<Run> ran = runs.get(Thread.currentThread());
      if (ran != null && !ran.isEmpty()) {
        ran.get(ran.size() - 1).endNanos = System.nanoTime();
      }
    }
  }

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    Baseline b = baseline;
    baseline = null;
    if (b == null) {
      return;
    }
    Blame blame =
        new Blame(null, Thread.currentThread(), false) {
          @Override
          String blameFor(Candidate c) {
            return c.info == null ? null : testAt(c);
          }
        };
    List<Leak> leaks = b.find(blame);
    if (!leaks.isEmpty()) {
      LeakError error = b.error(leaks, "the test run (" + SUITE_KEY + ")");
      System.err.println("[tether leak check] " + error.getMessage());
      pending = error;
    }
  }

  /** {@code OrderTest.cancelsOnTimeout}, or the display name when there is no method source. */
  private static String name(TestIdentifier id) {
    if (id.getSource().orElse(null) instanceof MethodSource m) {
      String cls = m.getClassName();
      return cls.substring(cls.lastIndexOf('.') + 1) + "." + m.getMethodName();
    }
    return id.getDisplayName();
  }

  /**
   * The test that ran on the entry's root thread when the entry was spawned (or opened), or null.
   */
  private String testAt(Candidate c) {
    Thread root = c.info.rootThread();
    List<Run> ran = root == null ? null : runs.get(root);
    if (ran == null) {
      return null;
    }
    String found = null;
    for (Run r : ran) {
      long end = r.endNanos;
      if (r.startNanos <= c.bornHi && (end == 0 || end >= c.bornLo)) {
        found = r.test; // the spawn window is microseconds wide: the last run overlapping it
      }
    }
    return found;
  }

  /** Fails the session if the suite check found leaks. */
  @Override
  public void launcherSessionClosed(LauncherSession session) {
    LeakError error = pending;
    pending = null;
    if (error != null) {
      throw error;
    }
  }

  /** The leaks the last finished test plan left, or null: for tests of this listener. */
  static LeakError pending() {
    return pending;
  }
}
