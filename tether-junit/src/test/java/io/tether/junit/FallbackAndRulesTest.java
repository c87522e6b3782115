package io.tether.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.Context;
import io.tether.Scope;
import io.tether.testing.Bounded;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JSON-dump path for virtual threads, the ignore rules, and the settle window. */
class FallbackAndRulesTest {
  private static final LeakOptions SHORT = LeakOptions.defaults().settle(Duration.ofMillis(200));

  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void release() {
    release.countDown();
    ThreadViews.forceDump = false;
  }

  private Thread parkedVirtual(String name) {
    Thread t = Thread.ofVirtual().name(name).start(() -> LeakCheckEngineTest.awaitQuietly(release));
    Parks.untilParked(t);
    return t;
  }

  @Test
  void theFastPathIsOnExactlyWhenTheJvmExportsThreadContainers() {
    // tether-junit's surefire passes --add-exports java.base/jdk.internal.vm=ALL-UNNAMED, except
    // in the execution that runs these tests without it (and sets this property)
    boolean without = Boolean.getBoolean("tether.test.withoutThreadContainers");
    assertThat(ThreadViews.fast()).isEqualTo(!without);
  }

  @Test
  void withoutThreadContainersARawVirtualThreadIsFoundInTheJsonDump() {
    ThreadViews.forceDump = true;
    Baseline baseline = Leaks.snapshot(SHORT);
    assertThat(baseline.toString()).contains("JSON dump");
    SynchronousQueue<String> q = new SynchronousQueue<>();
    Thread t =
        Thread.ofVirtual()
            .name("dumped-sender")
            .start(() -> {
              try {
                q.put("x");
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Parks.untilParked(t);

    List<Leak> leaks = baseline.find();
    assertThat(leaks).extracting(Leak::name).containsExactly("dumped-sender");
    Leak leak = leaks.get(0);
    assertThat(leak.pattern()).isEqualTo(LeakPattern.SEND_BLOCKED);
    assertThat(leak.parkedOn()).startsWith("SynchronousQueue.put");
    assertThat(leak.stack())
        .anyMatch(f ->
            f.getClassName().equals(getClass().getName() + "")
                || f.getClassName().startsWith(getClass().getName() + "$")
                || f.getMethodName().contains("lambda"));
    q.poll();
    Bounded.join(t);
  }

  @Test
  void theDumpPathSkipsTheDumpWhenNoThreadWasCreated() {
    ThreadViews.forceDump = true;
    Baseline baseline = Leaks.snapshot(SHORT);
    int dumps = ThreadViews.DUMPS.get();
    baseline.verifyNone(); // nothing new: one look, no dump needed
    assertThat(ThreadViews.DUMPS.get()).isEqualTo(dumps);
  }

  @Test
  void framesFromTheDumpAreParsed() {
    StackTraceElement f =
        ThreadViews.frame(
            "java.base/java.util.concurrent.SynchronousQueue.put(SynchronousQueue.java:266)");
    assertThat(f.getClassName()).isEqualTo("java.util.concurrent.SynchronousQueue");
    assertThat(f.getMethodName()).isEqualTo("put");
    assertThat(f.getFileName()).isEqualTo("SynchronousQueue.java");
    assertThat(f.getLineNumber()).isEqualTo(266);
    assertThat(ThreadViews.frame("Foo.bar(Native Method)").isNativeMethod()).isTrue();
  }

  @Test
  void ignoreRules() throws Exception {
    Baseline byName = Leaks.snapshot(SHORT.ignoreThreadName("ignored-*"));
    Baseline byTopFrame =
        Leaks.snapshot(SHORT.ignoreTopFrame(LeakCheckEngineTest.class.getName() + ".awaitQuietly"));
    Baseline byAnyFrame = Leaks.snapshot(SHORT.ignoreAnyFrame("java.lang.VirtualThread.run"));
    Baseline bySpawnSite =
        Leaks.snapshot(SHORT.ignoreSpawnSite(getClass().getName() + ".ignoreRules"));
    Baseline nothingIgnored = Leaks.snapshot(SHORT);
    parkedVirtual("ignored-by-name");
    try (Scope scope = Scope.open(Context.background(), "rules")) {
      scope.go("spawned-here", c -> LeakCheckEngineTest.awaitQuietly(release));
      Parks.untilTaskWaits("spawned-here", "parked");

      assertThat(nothingIgnored.find())
          .extracting(Leak::name)
          .containsExactlyInAnyOrder("ignored-by-name", "spawned-here");
      assertThat(byName.find()).extracting(Leak::name).containsExactly("spawned-here");
      assertThat(byTopFrame.find()).isEmpty(); // both wait in awaitQuietly
      assertThat(byAnyFrame.find()).isEmpty(); // both are virtual threads
      assertThat(bySpawnSite.find()).extracting(Leak::name).containsExactly("ignored-by-name");
      release.countDown();
    }
  }

  @Test
  void whatRanAtTheBaselineIsIgnored() {
    parkedVirtual("already-running");
    Leaks.snapshot(SHORT).verifyNone();
  }

  @Test
  void aThreadThatEndsWithinTheSettleWindowIsNotALeak() {
    Baseline baseline = Leaks.snapshot(LeakOptions.defaults().settle(Bounded.HANG));
    CountDownLatch go = new CountDownLatch(1);
    Thread t = Thread.ofVirtual().start(() -> LeakCheckEngineTest.awaitQuietly(go));
    Parks.untilParked(t);
    Thread.ofVirtual().start(go::countDown); // ends the waiter while the check settles
    baseline.verifyNone();
  }

  @Test
  void badOptionsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> LeakOptions.defaults().ignoreThreadName("*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("would match everything");
    assertThatThrownBy(() -> LeakOptions.defaults().settle(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> LeakCheck.parseDuration(LeakCheck.SETTLE_KEY, "soon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tether.leakcheck.settle = 'soon'");
    assertThat(LeakCheck.parseDuration("k", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(LeakCheck.parseDuration("k", "2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(LeakCheck.parseDuration("k", "PT3S")).isEqualTo(Duration.ofSeconds(3));
  }
}
