package io.tether;

import static io.tether.ScopeTest.awaitWaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.testing.Bounded;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Service: the seeds' owning structs (heartbeat, worker pool, cache) with a bounded stop. */
class ServiceTest {

  private static final Duration STOP = Bounded.HANG;

  @Test
  void heartbeatStopsPromptlyAndNeverTicksAfterStopReturns() throws Exception {
    AtomicInteger beats = new AtomicInteger();
    CountDownLatch threeBeats = new CountDownLatch(3);
    Service heartbeat =
        Service.start(
            Context.background(),
            "heartbeat",
            c -> {
              try (Ticker t = Ticker.start(c, Duration.ofMillis(1))) {
                for (Instant tick : t) {
                  beats.incrementAndGet();
                  threeBeats.countDown();
                }
              }
            });
    Bounded.await(threeBeats);
    assertThat(heartbeat.state()).isEqualTo(Service.State.RUNNING);

    StopReport report = heartbeat.stop(STOP);
    assertThat(report.clean()).as("%s", report).isTrue();
    // No tick after stop returned: the body has ended and its ticker is stopped and unlisted, so
    // nothing is left that could tick.
    assertThat(heartbeat.state()).isEqualTo(Service.State.TERMINATED);
    assertThat(Tasks.snapshot()).noneMatch(i -> i.path().startsWith("heartbeat"));
    assertThat(beats.get()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void workerPoolDrainsItsInputOnStop() throws Exception {
    Channel<Integer> jobs = Channel.buffered(100);
    List<Integer> done = new CopyOnWriteArrayList<>();
    Service pool =
        Service.start(
            Context.background(),
            "pool",
            c -> {
              // The workers' scope does not inherit the stop: they finish what is queued.
              try (Scope workers = Scope.open(c.withoutCancel(), "workers")) {
                for (int w = 0; w < 4; w++) {
                  workers.go(
                      "worker-" + w,
                      wc -> {
                        for (Integer job : jobs) {
                          done.add(job);
                        }
                      });
                }
                c.await(); // run until stopped
                jobs.close(); // stop taking work; the workers drain what is queued
                workers.join();
              }
            });
    for (int n = 0; n < 50; n++) {
      jobs.send(n);
    }
    StopReport report = pool.stop(STOP);
    assertThat(report.clean()).as("%s", report).isTrue();
    assertThat(done).containsExactlyInAnyOrderElementsOf(range(50));
    assertThat(jobs.isClosed()).isTrue();
  }

  @Test
  void cacheEvictionLoopRunsUntilClosed() throws Exception {
    Map<String, Instant> cache = new ConcurrentHashMap<>();
    cache.put("old", Instant.EPOCH);
    CountDownLatch evicted = new CountDownLatch(1);
    try (Service evictor =
        Service.start(
            Context.background(),
            "cache-evictor",
            c -> {
              try (Ticker t = Ticker.start(c, Duration.ofMillis(1))) {
                for (Instant now : t) {
                  cache.values().removeIf(at -> at.isBefore(now.minusSeconds(60)));
                  if (!cache.containsKey("old")) {
                    evicted.countDown();
                  }
                }
              }
            })) {
      Bounded.await(evicted);
      assertThat(evictor.state()).isEqualTo(Service.State.RUNNING);
    }
    assertThat(cache).isEmpty();
  }

  @Test
  void boundedStopNamesAStuckWorkerWithItsStack() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inBody = new CountDownLatch(1);
    Service stuck =
        Service.start(
            Context.background(),
            "stuck",
            c -> {
              inBody.countDown();
              while (true) {
                try {
                  release.await(); // ignores cancellation: swallows the interrupt
                  return;
                } catch (InterruptedException ignored) {
                  // a badly written worker
                }
              }
            });
    Bounded.await(inBody);
    StopReport report = stuck.stop(Duration.ofMillis(50));
    assertThat(report.clean()).isFalse();
    assertThat(report.stragglers()).hasSize(1);
    TaskInfo straggler = report.stragglers().get(0);
    assertThat(straggler.path()).isEqualTo("stuck/run");
    assertThat(straggler.stack())
        .anyMatch(f -> f.getMethodName().contains("lambda") && f.getFileName() != null);
    assertThat(stuck.state()).isEqualTo(Service.State.STOPPING);
    assertThat(stuck.stop(Duration.ZERO).stragglers()).as("still there").hasSize(1);
    release.countDown();
    assertThat(stuck.await()).isEqualTo(Service.State.TERMINATED);
    stuck.close();
  }

  @Test
  void readinessHandshakeReturnsOnlyOnceTheBodySaidReady() throws Exception {
    CountDownLatch mayBeReady = new CountDownLatch(1);
    List<String> order = new CopyOnWriteArrayList<>();
    Thread starter =
        Thread.ofVirtual()
            .start(() -> {
              try (Service db =
                  Service.startAndAwaitReady(
                      Context.background(),
                      "db",
                      STOP,
                      c -> {
                        Bounded.await(mayBeReady);
                        order.add("ready");
                        Service.ready(c);
                        c.await();
                      })) {
                order.add("start returned " + db.state());
              } catch (Exception e) {
                order.add("threw " + e);
              }
            });
    Bounded.until("db registered as STARTING", () -> serviceState("db") == "STARTING");
    assertThat(order).isEmpty();
    mayBeReady.countDown();
    Bounded.join(starter);
    assertThat(order).containsExactly("ready", "start returned RUNNING");
  }

  @Test
  void readinessFailsWithTheBodysExceptionOrAfterTheTimeout() {
    assertThatThrownBy(() ->
            Service.startAndAwaitReady(
                Context.background(),
                "broken",
                STOP,
                c -> {
                  throw new IOException("no database");
                }))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("service 'broken' failed before it was ready")
        .hasRootCauseInstanceOf(IOException.class);
    assertThatThrownBy(
            () -> Service.startAndAwaitReady(Context.background(), "mute", STOP, c -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ended (TERMINATED) before it signalled Service.ready");
    assertThatThrownBy(() ->
            Service.startAndAwaitReady(
                Context.background(), "slow", Duration.ofMillis(20), Context::await))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("service 'slow' did not signal Service.ready(ctx) within PT0.02S")
        .hasMessageContaining("stopped cleanly");
    assertThat(Tasks.snapshot()).noneMatch(i -> i.path().matches("(broken|mute|slow)(/.*)?"));
    assertThatThrownBy(() -> Service.ready(Context.background()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not inside a service body");
  }

  @Test
  void aFailureReachesTheOwnerExactlyOnce() throws Exception {
    Service s =
        Service.start(
            Context.background(),
            "failing",
            c -> {
              throw new IOException("disk full");
            });
    assertThat(s.await()).isEqualTo(Service.State.FAILED);
    assertThatThrownBy(s::close)
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("service 'failing' failed")
        .hasCauseInstanceOf(IOException.class);
    s.close(); // seen now: idempotent and quiet

    Service read = Service.start(Context.background(), "read", c -> fail("boom"));
    read.await();
    assertThat(read.failure()).hasMessage("boom");
    read.close(); // failure() counted as seen
  }

  @Test
  void listenersHearEveryTransitionAndTheirExceptionsAreReported() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    Service s =
        Service.startAndAwaitReady(
            Context.background(),
            "watched",
            STOP,
            c -> {
              Service.ready(c);
              Bounded.await(go);
              c.await();
            });
    List<String> heard = new CopyOnWriteArrayList<>();
    s.addListener((svc, from, to) -> heard.add(from + "->" + to));
    s.addListener((svc, from, to) -> {
      throw new IllegalArgumentException("listener bug");
    });
    go.countDown();
    // Stop only once the body waits on its context: an interrupt reaching Bounded.await would be
    // a failure (an AssertionError is not the cancellation), not a clean stop.
    awaitWaiting(s.bodyTask(), "ctx.await");
    StopReport r = s.stop(STOP);
    assertThat(heard).containsExactly("RUNNING->STOPPING", "STOPPING->TERMINATED");
    assertThat(r.stragglers()).isEmpty();
    assertThat(r.failures())
        .hasSize(2)
        .allSatisfy(f -> assertThat(f).hasRootCauseMessage("listener bug"));
    assertThat(r.failures().get(0)).hasMessageContaining("RUNNING -> STOPPING");
    s.close();
  }

  @Test
  void ownersCancellationStopsTheService() throws Exception {
    CancellableContext owner = Context.background().withCancel();
    Service s = Service.start(owner, "child", Context::await);
    awaitWaiting(s.bodyTask(), "ctx.await");
    owner.cancel();
    assertThat(s.await()).isEqualTo(Service.State.TERMINATED);
    s.close();
  }

  @Test
  void badInputGetsClearErrors() throws Exception {
    Context bg = Context.background();
    assertThatThrownBy(() -> Service.start(null, "x", c -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ctx");
    assertThatThrownBy(() -> Service.start(bg, null, c -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
    assertThatThrownBy(() -> Service.start(bg, "x", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("body");
    try (Service s = Service.start(bg, "bad-input", Context::await)) {
      assertThatThrownBy(() -> s.stop(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("negative");
      assertThatThrownBy(() -> s.await(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class);
    }
    List<Throwable> fromInside = new ArrayList<>();
    Service[] self = new Service[1];
    CountDownLatch started = new CountDownLatch(1);
    self[0] =
        Service.start(
            bg,
            "self-stopper",
            c -> {
              Bounded.await(started);
              try {
                self[0].stop(STOP);
              } catch (IllegalStateException e) {
                fromInside.add(e);
              }
            });
    started.countDown();
    self[0].await();
    assertThat(fromInside)
        .singleElement()
        .asString()
        .contains("service 'self-stopper': stop(Duration) called from its own body");
    self[0].close();
  }

  @Test
  void registryShowsTheServiceWithItsState() throws Exception {
    try (Service s = Service.start(Context.background(), "shown", Context::await)) {
      awaitWaiting(s.bodyTask(), "ctx.await");
      TaskInfo info =
          Tasks.snapshot().stream().filter(i -> i.path().equals("shown")).findFirst().orElseThrow();
      assertThat(info.kind()).isEqualTo(TaskInfo.Kind.SERVICE);
      assertThat(info.state()).isEqualTo("RUNNING");
      assertThat(Tasks.snapshot()).anyMatch(i -> i.path().equals("shown/run"));
      assertThat(s.toString()).isEqualTo("Service[shown, RUNNING]");
    }
  }

  private static String serviceState(String name) {
    return Tasks.snapshot().stream()
        .filter(i -> i.path().equals(name) && i.kind() == TaskInfo.Kind.SERVICE)
        .map(TaskInfo::state)
        .findFirst()
        .map(String::intern)
        .orElse(null);
  }

  private static List<Integer> range(int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }

  private static void fail(String message) {
    throw new IllegalStateException(message);
  }
}
