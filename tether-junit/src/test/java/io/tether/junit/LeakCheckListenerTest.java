package io.tether.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.tether.Context;
import io.tether.Scope;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The whole-suite mode in a real launcher session: no annotation on the fixture; the key in the
 * configuration switches it on; a leak fails the session when it closes and is blamed on the test
 * that spawned it.
 */
class LeakCheckListenerTest {
  static volatile boolean inKit;
  static volatile CountDownLatch release = new CountDownLatch(1);
  static final List<Scope> LEFT_OPEN = new java.util.concurrent.CopyOnWriteArrayList<>();

  static class NoAnnotationFixture {
    @Test
    void clean() {
      Assumptions.assumeTrue(inKit);
    }

    @Test
    void leaksATask() {
      Assumptions.assumeTrue(inKit);
      Scope scope = Scope.open(Context.background(), "forgotten");
      LEFT_OPEN.add(scope);
      CountDownLatch r = release;
      scope.go("waiter", c -> r.await());
      Parks.untilTaskWaits("waiter", "parked");
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

  private static void runSession(boolean on) {
    inKit = true;
    release = new CountDownLatch(1);
    LeakCheckListener listener = new LeakCheckListener();
    LauncherConfig config =
        LauncherConfig.builder()
            .enableTestExecutionListenerAutoRegistration(false)
            .enableLauncherSessionListenerAutoRegistration(false)
            .addTestExecutionListeners(listener)
            .addLauncherSessionListeners(listener)
            .build();
    try (LauncherSession session = LauncherFactory.openSession(config)) {
      session
          .getLauncher()
          .execute(
              LauncherDiscoveryRequestBuilder.request()
                  .selectors(selectClass(NoAnnotationFixture.class))
                  .configurationParameter(LeakCheckListener.SUITE_KEY, String.valueOf(on))
                  .configurationParameter(LeakCheck.SETTLE_KEY, "200ms")
                  .build());
    } finally {
      inKit = false;
    }
  }

  @Test
  void theSuiteCheckFailsTheSessionAndBlamesTheSpawningTest() {
    assertThatThrownBy(() -> runSession(true))
        .isInstanceOf(LeakError.class)
        .hasMessageContaining("after the test run (tether.leakcheck.suite)")
        .hasMessageContaining("task 'waiter' (forgotten/waiter)")
        .hasMessageContaining("blamed on:   LeakCheckListenerTest$NoAnnotationFixture.leaksATask\n")
        .satisfies(e ->
            assertThat(((LeakError) e).leaks()).extracting(Leak::name).containsExactly("waiter"));
  }

  @Test
  void offUnlessTheKeyIsTrue() {
    runSession(false); // the same leak, and no failure
    assertThat(LEFT_OPEN).hasSize(1);
  }
}
