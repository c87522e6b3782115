package io.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.Supervisor.Child;
import io.tether.Supervisor.Restart;
import io.tether.Supervisor.RestartEvent;
import io.tether.Supervisor.Strategy;
import io.tether.testing.Bounded;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Supervisor: restart strategies, intensity, backoff, ordered stop, history in the registry. */
class SupervisorTest {

  private final List<String> log = new CopyOnWriteArrayList<>();

  /** A child that logs its start, signals ready, runs until stopped, and logs the stop. */
  private Child steady(String name) {
    return Child.of(
            name,
            Restart.PERMANENT,
            c -> {
              log.add("start " + name);
              Service.ready(c);
              c.await();
              log.add("stop " + name);
            })
        .withReadySignal();
  }

  /** Like {@link #steady}, but its first incarnation fails once {@code fail} is counted down. */
  private Child failsOnce(String name, CountDownLatch fail) {
    AtomicInteger incarnation = new AtomicInteger();
    return Child.of(
            name,
            Restart.PERMANENT,
            c -> {
              log.add("start " + name);
              Service.ready(c);
              if (incarnation.getAndIncrement() == 0) {
                Bounded.await(fail);
                throw new IOException(name + " lost its connection");
              }
              c.await();
              log.add("stop " + name);
            })
        .withReadySignal();
  }

  /** Children a, b, c (b fails once {@code failB} opens), restarted with no backoff. */
  private Supervisor steadyFailingSteady(String name, Strategy strategy, CountDownLatch failB) {
    return Supervisor.builder(name)
        .strategy(strategy)
        .backoff(Duration.ZERO, Duration.ZERO)
        .child(steady("a"))
        .child(failsOnce("b", failB))
        .child(steady("c"))
        .start(Context.background());
  }

  private static void awaitRestarts(Supervisor sup, int n) {
    Bounded.until(n + " restart events", () -> sup.restarts().size() >= n);
  }

  @Test
  void restForOneRestartsTheFailedChildAndThoseStartedAfterItInOrder() throws Exception {
    CountDownLatch failB = new CountDownLatch(1);
    try (Supervisor sup = steadyFailingSteady("rest", Strategy.REST_FOR_ONE, failB)) {
      assertThat(log).containsExactly("start a", "start b", "start c");
      failB.countDown();
      Bounded.until("b and c restarted", () -> log.size() == 6);
      assertThat(log)
          .containsExactly("start a", "start b", "start c", "stop c", "start b", "start c");
      RestartEvent e = sup.restarts().get(0);
      assertThat(e.child()).isEqualTo("b");
      assertThat(e.ended()).isEqualTo(Service.State.FAILED);
      assertThat(e.cause()).isInstanceOf(IOException.class);
      assertThat(e.restarted()).containsExactly("b", "c");
      assertThat(sup.childState("a")).isEqualTo(Service.State.RUNNING);
    }
    assertThat(log.subList(6, log.size())).containsExactly("stop c", "stop b", "stop a");
  }

  @Test
  void oneForAllStopsEveryOtherChildLastFirstThenRestartsAllInOrder() throws Exception {
    CountDownLatch failB = new CountDownLatch(1);
    try (Supervisor sup = steadyFailingSteady("all", Strategy.ONE_FOR_ALL, failB)) {
      failB.countDown();
      Bounded.until("all restarted", () -> log.size() == 8);
      assertThat(log.subList(3, 8))
          .containsExactly("stop c", "stop a", "start a", "start b", "start c");
      assertThat(sup.restarts())
          .singleElement()
          .satisfies(e -> assertThat(e.restarted()).containsExactly("a", "b", "c"));
    }
  }

  @Test
  void oneForOneRestartsOnlyTheFailedChild() throws Exception {
    CountDownLatch failB = new CountDownLatch(1);
    try (Supervisor sup = steadyFailingSteady("one", Strategy.ONE_FOR_ONE, failB)) {
      failB.countDown();
      awaitRestarts(sup, 1);
      Bounded.until("b restarted", () -> log.size() == 4);
      assertThat(log).containsExactly("start a", "start b", "start c", "start b");
    }
  }

  @Test
  void crashingChildIsRestartedWithGrowingJitteredBackoffThenTheSupervisorGivesUp()
      throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Supervisor sup =
        Supervisor.builder("crashy")
            .intensity(3, Duration.ofMinutes(1))
            .backoff(Duration.ofMillis(4), Duration.ofMillis(10))
            .child(steady("steady"))
            .child(
                "flaky",
                Restart.PERMANENT,
                c -> {
                  runs.incrementAndGet();
                  throw new IOException("crash " + runs.get());
                })
            .start(Context.background());
    assertThat(sup.await()).isEqualTo(Service.State.FAILED);
    assertThat(runs).hasValue(4);
    List<RestartEvent> events = sup.restarts();
    assertThat(events).hasSize(4);
    // initial 4 ms doubled per earlier restart, capped at 10 ms, times a factor in [0.5, 1)
    assertThat(events.get(0).backoff()).isBetween(Duration.ofMillis(2), Duration.ofMillis(4));
    assertThat(events.get(1).backoff()).isBetween(Duration.ofMillis(4), Duration.ofMillis(8));
    assertThat(events.get(2).backoff()).isBetween(Duration.ofMillis(5), Duration.ofMillis(10));
    assertThat(events.get(3).restarted()).isEmpty();
    assertThat(events).allSatisfy(e -> assertThat(e.cause()).isInstanceOf(IOException.class));
    assertThat(sup.childState("steady")).isEqualTo(Service.State.TERMINATED);
    assertThat(log).containsExactly("start steady", "stop steady");
    assertThatThrownBy(sup::close)
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("supervisor 'crashy' gave up: child 'flaky' ended (FAILED")
        .hasMessageContaining("exceed 3 within PT1M")
        .hasRootCauseMessage("crash 4");
    sup.close(); // seen: quiet
    assertThat(Tasks.snapshot()).noneMatch(i -> i.path().startsWith("crashy"));
  }

  @Test
  void transientAndTemporaryChildrenAreNotRestartedWhenTheyAreDone() throws Exception {
    CountDownLatch tempFail = new CountDownLatch(1);
    Supervisor sup =
        Supervisor.builder("kinds")
            .child("once", Restart.TRANSIENT, c -> log.add("once ran"))
            .child(
                "temp",
                Restart.TEMPORARY,
                c -> {
                  Bounded.await(tempFail);
                  throw new IllegalStateException("temp broke");
                })
            .start(Context.background());
    awaitRestarts(sup, 1);
    tempFail.countDown();
    awaitRestarts(sup, 2);
    assertThat(sup.restarts()).allSatisfy(e -> assertThat(e.restarted()).isEmpty());
    assertThat(sup.childState("once")).isEqualTo(Service.State.TERMINATED);
    assertThat(sup.childState("temp")).isEqualTo(Service.State.FAILED);
    assertThat(sup.state()).isEqualTo(Service.State.RUNNING);
    StopReport r = sup.stop(Bounded.HANG);
    assertThat(r.failures()).singleElement().satisfies(f -> assertThat(f).hasMessage("temp broke"));
    assertThat(log).containsExactly("once ran");
    sup.close();
  }

  @Test
  void stopGivesEachChildItsOwnBoundAndNamesTheOneThatOverran() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Supervisor sup =
        Supervisor.builder("bounded")
            .child(steady("a"))
            .child(
                Child.of(
                        "stubborn",
                        Restart.PERMANENT,
                        c -> {
                          log.add("start stubborn");
                          Service.ready(c);
                          while (release.getCount() > 0) {
                            try {
                              release.await();
                            } catch (InterruptedException ignored) {
                              // ignores its stop
                            }
                          }
                        })
                    .withStopTimeout(Duration.ofMillis(30))
                    .withReadySignal())
            .child(steady("c"))
            .start(Context.background());
    StopReport r = sup.stop(Bounded.HANG);
    assertThat(r.stragglers())
        .singleElement()
        .satisfies(t -> assertThat(t.path()).isEqualTo("bounded/stubborn/run"));
    assertThat(log).containsExactly("start a", "start stubborn", "start c", "stop c", "stop a");
    release.countDown();
    Bounded.until(
        "stubborn ended",
        () -> Tasks.snapshot().stream().noneMatch(i -> i.path().startsWith("bounded")));
    sup.close();
  }

  @Test
  void registryShowsTheSupervisorItsChildrenAndItsRestartHistory() throws Exception {
    CountDownLatch failB = new CountDownLatch(1);
    try (Supervisor sup =
        Supervisor.builder("shown-sup")
            .backoff(Duration.ZERO, Duration.ZERO)
            .child(failsOnce("b", failB))
            .start(Context.background())) {
      failB.countDown();
      awaitRestarts(sup, 1);
      Bounded.until("b restarted", () -> log.size() == 2);
      List<TaskInfo> infos =
          Tasks.snapshot().stream().filter(i -> i.path().startsWith("shown-sup")).toList();
      TaskInfo self =
          infos.stream().filter(i -> i.path().equals("shown-sup")).findFirst().orElseThrow();
      assertThat(self.kind()).isEqualTo(TaskInfo.Kind.SUPERVISOR);
      assertThat(self.state()).isEqualTo("RUNNING");
      assertThat(self.history())
          .singleElement()
          .asString()
          .contains(
              "'b' FAILED (java.io.IOException: b lost its connection): restarted [b] after 0ms");
      assertThat(infos).extracting(TaskInfo::path).contains("shown-sup/b", "shown-sup/b/run");
      assertThat(Tasks.dump(DumpFormat.GROUPED)).contains("restarted [b]");
    }
  }

  @Test
  void badInputIsRefusedWithClearMessages() {
    assertThatThrownBy(() -> Supervisor.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
    Supervisor.Builder b = Supervisor.builder("bad");
    assertThatThrownBy(() -> b.intensity(-1, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("supervisor 'bad': intensity(-1, PT1S)");
    assertThatThrownBy(() -> b.intensity(1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need 0 <= initial <= max");
    assertThatThrownBy(() -> b.start(Context.background()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no children");
    b.child("x", Restart.PERMANENT, Context::await);
    assertThatThrownBy(() -> b.child("x", Restart.TEMPORARY, Context::await))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two children named 'x'");
    assertThatThrownBy(() -> Child.of("y", Restart.PERMANENT, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("body");
    assertThatThrownBy(
            () -> Child.of("y", Restart.PERMANENT, c -> {}).withStopTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
