package io.tether.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.tether.Channel;
import io.tether.Context;
import io.tether.Scope;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The extension inside a real JUnit run (the Jupiter engine through the test kit): a leaky test
 * class fails, naming the leak; a clean one passes; a test that fails and leaks reports both; the
 * class-level mode catches a leak of {@code @BeforeAll}.
 */
class LeakCheckEngineTest {
  /** Fixtures run only inside the test kit, never as part of the surrounding suite. */
  static volatile boolean inKit;

  /** Released after each kit run: ends every thread a fixture leaked. */
  static volatile CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void releaseFixtures() {
    release.countDown();
  }

  static Events run(Class<?> fixture) {
    inKit = true;
    release = new CountDownLatch(1);
    try {
      return EngineTestKit.engine("junit-jupiter")
          .selectors(selectClass(fixture))
          .configurationParameter(LeakCheck.SETTLE_KEY, "200ms")
          .execute()
          .allEvents();
    } finally {
      inKit = false;
    }
  }

  static void leakAThread(String name) {
    CountDownLatch r = release;
    Thread.ofVirtual().name(name).start(() -> awaitQuietly(r));
  }

  static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Throwable failureOf(Events events, String method) {
    List<Event> failed =
        events.failed().stream()
            .filter(e -> e.getTestDescriptor().getDisplayName().startsWith(method))
            .toList();
    assertThat(failed).as("failed events of %s", method).hasSize(1);
    return failed
        .get(0)
        .getPayload(org.junit.platform.engine.TestExecutionResult.class)
        .orElseThrow()
        .getThrowable()
        .orElseThrow();
  }

  @ExtendWith(LeakCheck.class)
  static class LeakyFixture {
    @Test
    void leaks() {
      Assumptions.assumeTrue(inKit);
      leakAThread("fixture-leak");
    }

    @Test
    void clean() throws Exception {
      Assumptions.assumeTrue(inKit);
      try (Scope scope = Scope.open(Context.background())) {
        scope.go(c -> {});
      }
    }
  }

  @Test
  void aLeakyTestFailsAndACleanOnePasses() {
    Events events = run(LeakyFixture.class);

    events.assertStatistics(s -> s.succeeded(3).failed(1)); // engine, class, clean; leaks fails
    Throwable t = failureOf(events, "leaks");
    assertThat(t).isInstanceOf(LeakError.class);
    assertThat(t.getMessage())
        .contains("after test LeakyFixture.leaks")
        .contains("virtual thread 'fixture-leak' parked in CountDownLatch.await")
        .contains("blamed on:   LeakyFixture.leaks");
  }

  @ExtendWith(LeakCheck.class)
  static class FailingAndLeakyFixture {
    @Test
    void failsAndLeaks() {
      Assumptions.assumeTrue(inKit);
      Channel<String> replies = Channel.unbuffered("replies");
      Scope scope = Scope.open(Context.background(), "request");
      LEFT_OPEN.add(scope);
      scope.go("reply", c -> replies.send("late"));
      Parks.untilTaskWaits("reply", "chan send");
      throw new IllegalStateException("the test's own failure");
    }
  }

  @Test
  void aFailedTestStillGetsCheckedAndTheLeakIsReportedBesideTheFailure() {
    Events events = run(FailingAndLeakyFixture.class);

    Throwable t = failureOf(events, "failsAndLeaks");
    assertThat(t).isInstanceOf(IllegalStateException.class).hasMessage("the test's own failure");
    assertThat(t.getSuppressed()).hasSize(1);
    assertThat(t.getSuppressed()[0])
        .isInstanceOf(LeakError.class)
        .hasMessageContaining("which also failed: java.lang.IllegalStateException")
        .hasMessageContaining("SEND_BLOCKED: task 'reply' (request/reply)");
    LeakError leak = (LeakError) t.getSuppressed()[0];
    assertThat(leak.leaks()).extracting(Leak::pattern).containsExactly(LeakPattern.SEND_BLOCKED);
  }

  static class PerClassFixture {
    @RegisterExtension static LeakCheck leaks = LeakCheck.perClass();

    @BeforeAll
    static void startsAThreadNobodyStops() {
      Assumptions.assumeTrue(inKit);
      leakAThread("before-all-leak");
    }

    @Test
    void one() {}

    @Test
    void two() {}
  }

  @Test
  void theClassLevelModeChecksTheClassAsAWhole() {
    Events events = run(PerClassFixture.class);

    assertThat(events.failed().stream().filter(e -> e.getTestDescriptor().isTest()).count())
        .isZero();
    List<Event> classFailures =
        events.failed().stream().filter(e -> e.getTestDescriptor().isContainer()).toList();
    assertThat(classFailures).hasSize(1);
    Throwable t =
        classFailures
            .get(0)
            .getPayload(org.junit.platform.engine.TestExecutionResult.class)
            .orElseThrow()
            .getThrowable()
            .orElseThrow();
    assertThat(t)
        .isInstanceOf(LeakError.class)
        .hasMessageContaining("after class " + PerClassFixture.class.getName())
        .hasMessageContaining("'before-all-leak'");
  }

  /** Scopes fixtures left open on purpose, closed by the tests that made them leak. */
  static final List<Scope> LEFT_OPEN = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterEach
  void closeLeftScopes() throws Exception {
    for (Scope s : LEFT_OPEN) {
      s.close(); // cancels what still runs in it
    }
    LEFT_OPEN.clear();
  }
}
