package io.tether.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tether.Channel;
import io.tether.Context;
import io.tether.Scope;
import io.tether.Task;
import io.tether.TaskEvents;
import io.tether.TaskInfo;
import io.tether.Tasks;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TetherMetricsTest {

  @Test
  void countsStartsAndEndsByOutcomeAndShowsLiveAndWaitingTasks() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    try (TetherMetrics metrics = TetherMetrics.builder().snapshotMaxAge(Duration.ZERO).build()) {
      metrics.bindTo(registry);
      Channel<String> ch = Channel.unbuffered("metrics-ch");
      try (Scope scope = Scope.supervised(Context.background(), "metrics")) {
        Task<String> receiver = scope.spawn("receiver", c -> ch.receive(c));
        awaitWaiting(receiver, "chan receive");
        assertThat(gauge(registry, "tether.tasks.waiting", "reason", "chan receive")).isEqualTo(1);
        assertThat(gauge(registry, "tether.tasks.live", "kind", "task", "state", "running"))
            .isGreaterThanOrEqualTo(1);
        assertThat(gauge(registry, "tether.tasks.live", "kind", "scope", "state", "open"))
            .isGreaterThanOrEqualTo(1);
        ch.send("x");
        receiver.join();

        Task<Void> failing =
            scope.go(
                "failing",
                c -> {
                  throw new IllegalStateException("boom");
                });
        Task<Void> cancelled =
            scope.go(
                "cancelled",
                c -> {
                  c.await();
                  c.throwIfDone();
                });
        awaitWaiting(cancelled, "ctx.await");
        cancelled.cancel();
        scope.join();
        assertThat(failing.exceptionNow()).hasMessage("boom");
      }
      assertThat(registry.get("tether.tasks.started").functionCounter().count()).isEqualTo(3);
      assertThat(ended(registry, "succeeded")).isEqualTo(1);
      assertThat(ended(registry, "failed")).isEqualTo(1);
      assertThat(ended(registry, "cancelled")).isEqualTo(1);
      assertThat(gauge(registry, "tether.tasks.waiting", "reason", "chan receive")).isZero();
      assertThat(registry.get("tether.supervisor.restarts").functionCounter().count()).isZero();
    }
    // No task name or id anywhere in the tags.
    Set<String> tagKeys =
        registry.getMeters().stream()
            .flatMap(m -> m.getId().getTags().stream())
            .map(t -> t.getKey())
            .collect(Collectors.toSet());
    assertThat(tagKeys).containsOnly("kind", "state", "reason", "outcome");
  }

  @Test
  void stragglersAndSuspectedLeaksAreCounted() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    try (TetherMetrics metrics = new TetherMetrics()) {
      metrics.bindTo(registry);
      CountDownLatch release = new CountDownLatch(1);
      Scope scope = Scope.open(Context.background(), "stubborn");
      Task<Void> deaf =
          scope.go(
              "deaf",
              c -> {
                while (release.getCount() > 0) {
                  try {
                    release.await();
                  } catch (InterruptedException ignored) {
                    // a straggler on purpose
                  }
                }
              });
      until(() -> deaf.state() == Task.State.RUNNING && isWaiting(deaf));
      TaskInfo info =
          Tasks.snapshot().stream().filter(i -> i.id() == deaf.id()).findFirst().orElseThrow();
      TaskEvents.reportLeak(info, "LOCK_WAIT", "a test leak");
      assertThat(scope.stop(Duration.ZERO).stragglers()).hasSize(1);
      release.countDown();
      deaf.join();
      assertThat(registry.get("tether.stop.stragglers").functionCounter().count()).isEqualTo(1);
      assertThat(
              registry
                  .get("tether.leaks.suspected")
                  .tag("shape", "LOCK_WAIT")
                  .functionCounter()
                  .count())
          .isEqualTo(1);
    }
  }

  @Test
  void ownerTagAndDurationTimerAreOptIn() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    try (TetherMetrics metrics =
        TetherMetrics.builder().ownerTag(true).taskDuration(true).build()) {
      metrics.bindTo(registry);
      try (Scope scope = Scope.open(Context.background(), "checkout")) {
        scope.go("a", c -> {});
        scope.go("b", c -> {});
      }
      try (Scope unnamed = Scope.open(Context.background())) {
        unnamed.go(c -> {});
      }
      assertThat(
              registry
                  .get("tether.tasks.started")
                  .tag("owner", "checkout")
                  .functionCounter()
                  .count())
          .isEqualTo(2);
      assertThat(
              registry
                  .get("tether.tasks.started")
                  .tag("owner", "unnamed")
                  .functionCounter()
                  .count())
          .isEqualTo(1);
      assertThat(
              registry
                  .get("tether.task.duration")
                  .tags("outcome", "succeeded", "owner", "checkout")
                  .timer()
                  .count())
          .isEqualTo(2);
    }
  }

  @Test
  void closeStopsCountingAndABinderIsNotReboundAfterClose() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    TetherMetrics metrics = new TetherMetrics();
    metrics.bindTo(registry);
    metrics.close();
    metrics.close(); // idempotent
    try (Scope scope = Scope.open(Context.background(), "after-close")) {
      scope.go(c -> {});
    }
    assertThat(registry.get("tether.tasks.started").functionCounter().count()).isZero();
    assertThatThrownBy(() -> metrics.bindTo(new SimpleMeterRegistry()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void topLevelOwnerIsTheFirstPathSegmentAndUnnamedOnesShareOneValue() {
    assertThat(TetherMetrics.topLevelOwner("ingest/fetch/worker-3")).isEqualTo("ingest");
    assertThat(TetherMetrics.topLevelOwner("scope-17/task-18")).isEqualTo("unnamed");
    assertThat(TetherMetrics.topLevelOwner("solo")).isEqualTo("solo");
  }

  private static double ended(MeterRegistry r, String outcome) {
    return r.get("tether.tasks.ended").tag("outcome", outcome).functionCounter().count();
  }

  private static double gauge(MeterRegistry r, String name, String... tags) {
    return r.get(name).tags(tags).gauge().value();
  }

  private static boolean isWaiting(Task<?> t) {
    return Tasks.snapshot().stream()
        .anyMatch(i -> i.id() == t.id() && "parked".equals(i.waitReason()));
  }

  private static void awaitWaiting(Task<?> t, String reason) {
    until(() ->
        Tasks.snapshot().stream().anyMatch(i -> i.id() == t.id() && reason.equals(i.waitReason())));
  }

  /** Polls until true; a bound on a hang, never an ordering (fails with every stack). */
  private static void until(java.util.function.BooleanSupplier condition) {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        StringBuilder sb = new StringBuilder("timed out; all threads:\n");
        Thread.getAllStackTraces()
            .forEach((t, st) -> {
              sb.append(t).append('\n');
              for (StackTraceElement f : st) {
                sb.append("    at ").append(f).append('\n');
              }
            });
        throw new AssertionError(sb.toString());
      }
      Thread.onSpinWait();
    }
  }

  @SuppressWarnings("unused")
  private static String describe(Meter m) {
    return m.getId().toString();
  }
}
