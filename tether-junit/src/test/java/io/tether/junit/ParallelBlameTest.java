package io.tether.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.tether.Context;
import io.tether.Scope;
import io.tether.testing.Bounded;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Tests run in parallel: a Tether task is blamed on the test that spawned it, even when another
 * test finishes (and is checked) while the leak is already there.
 *
 * <p>The order is forced by handshakes: {@code spawner} leaks a task and a raw thread, then waits
 * until {@code bystander} has been checked; {@code bystander} waits for the leak before it ends. So
 * the bystander's check runs while the leak exists and is new to it.
 */
class ParallelBlameTest {
  static volatile boolean inKit;
  static volatile CountDownLatch leaked = new CountDownLatch(1);
  static volatile CountDownLatch bystanderChecked = new CountDownLatch(1);
  static volatile CountDownLatch release = new CountDownLatch(1);
  static final List<Scope> LEFT_OPEN = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Registered before LeakCheck, so its afterEach runs after LeakCheck's. */
  static final class SignalChecked implements AfterEachCallback {
    @Override
    public void afterEach(ExtensionContext context) {
      if (context.getRequiredTestMethod().getName().equals("bystander")) {
        bystanderChecked.countDown();
      }
    }
  }

  @ExtendWith({SignalChecked.class, LeakCheck.class})
  static class Fixture {
    @Test
    void spawner() {
      Assumptions.assumeTrue(inKit);
      Scope scope = Scope.open(Context.background(), "spawner-scope");
      LEFT_OPEN.add(scope);
      CountDownLatch r = release;
      scope.go("stuck", c -> r.await());
      Parks.untilTaskWaits("stuck", "parked");
      Thread raw =
          Thread.ofVirtual().name("raw-stuck").start(() -> LeakCheckEngineTest.awaitQuietly(r));
      Parks.untilParked(raw);
      leaked.countDown();
      Bounded.await(bystanderChecked);
    }

    @Test
    void bystander() {
      Assumptions.assumeTrue(inKit);
      Bounded.await(leaked);
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    release.countDown();
    for (Scope s : LEFT_OPEN) {
      s.close();
    }
    LEFT_OPEN.clear();
  }

  @Test
  void aLeakIsBlamedOnTheTestThatSpawnedItNotOnTheFirstToFinish() {
    inKit = true;
    leaked = new CountDownLatch(1);
    bystanderChecked = new CountDownLatch(1);
    release = new CountDownLatch(1);
    Events events;
    try {
      events =
          EngineTestKit.engine("junit-jupiter")
              .selectors(selectClass(Fixture.class))
              .configurationParameter(LeakCheck.SETTLE_KEY, "200ms")
              .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
              .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
              .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
              .configurationParameter(
                  "junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
              .execute()
              .allEvents();
    } finally {
      inKit = false;
    }

    List<Event> failed = events.failed().list();
    assertThat(failed)
        .as("failures: %s", failed)
        .extracting(e -> e.getTestDescriptor().getDisplayName())
        .containsExactly("spawner()");
    Throwable t =
        failed
            .get(0)
            .getPayload(TestExecutionResult.class)
            .orElseThrow()
            .getThrowable()
            .orElseThrow();
    assertThat(t).isInstanceOf(LeakError.class);
    List<Leak> leaks = ((LeakError) t).leaks();
    // The bystander's check ran while both leaks existed and reported neither: the task is rooted
    // on the spawner's thread, and a raw thread is not guessed at while another test runs. The
    // spawner's check, with no other test running, reports both.
    assertThat(leaks).extracting(Leak::name).containsExactlyInAnyOrder("stuck", "raw-stuck");
    assertThat(leaks).extracting(Leak::blamedOn).containsOnly("Fixture.spawner");
    assertThat(leaks)
        .filteredOn(l -> l.name().equals("stuck"))
        .extracting(Leak::ownerPath)
        .containsExactly("spawner-scope"); // the owner, not the entry itself
  }
}
