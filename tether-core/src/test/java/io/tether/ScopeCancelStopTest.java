package io.tether;

import static io.tether.ScopeTest.awaitBlocked;
import static io.tether.ScopeTest.awaitWaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.testing.Bounded;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** Cancellation reaching tasks (law L3), bounded stop (L2), race and map. */
class ScopeCancelStopTest {

  @Test
  void cancelInterruptsJdkBlockingCallsButWakesTetherWaitsDirectly() throws Exception {
    ReentrantLock held = new ReentrantLock();
    held.lock(); // nobody will release it: only the interrupt can end lockInterruptibly
    AtomicReference<Boolean> awaitInterrupted = new AtomicReference<>();
    AtomicReference<Throwable> queueSaw = new AtomicReference<>();
    AtomicReference<Throwable> lockSaw = new AtomicReference<>();
    Scope scope = Scope.open(Context.background(), "l3");
    Task<Void> awaiting =
        scope.go(c -> {
          c.await();
          awaitInterrupted.set(Thread.currentThread().isInterrupted());
        });
    Task<Void> taking =
        scope.go(c -> {
          try {
            new LinkedBlockingQueue<String>().take();
          } catch (InterruptedException e) {
            queueSaw.set(e);
          }
        });
    Task<Void> locking =
        scope.go(c -> {
          try {
            held.lockInterruptibly();
          } catch (InterruptedException e) {
            lockSaw.set(e);
          }
        });
    awaitWaiting(awaiting, "ctx.await");
    awaitBlocked(taking);
    awaitBlocked(locking);

    scope.cancel();
    scope.join();
    scope.close();

    assertThat(awaitInterrupted.get()).as("woken directly, not interrupted").isFalse();
    assertThat(queueSaw.get()).isInstanceOf(InterruptedException.class);
    assertThat(lockSaw.get()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void parentContextCancellationReachesTasksAndNestedScopes() throws Exception {
    CancellableContext root = Context.background().withCancel();
    AtomicBoolean innerEnded = new AtomicBoolean();
    CountDownLatch innerStarted = new CountDownLatch(1);
    try (Scope outer = Scope.open(root, "outer")) {
      outer.go(
          "opener",
          c -> {
            try (Scope inner = Scope.open(c, "inner")) {
              inner.go(
                  "deep",
                  cc -> {
                    innerStarted.countDown();
                    try {
                      cc.await();
                      cc.throwIfDone(); // ends CANCELLED, so no join below can succeed
                    } finally {
                      innerEnded.set(true);
                    }
                  });
              // Ends by the cancel either way: inner's join throws its context's error (cancelled
              // from outside), or the cancel's interrupt reaches this wait first.
              inner.join();
            }
          });
      Bounded.await(innerStarted);

      root.cancel();
      // The opener ended CANCELLED (whichever way its join ended), and the cancel came from above
      // the scope: join says so.
      assertThatThrownBy(outer::join)
          .isInstanceOf(CancellationException.class)
          .hasMessageContaining("scope 'outer' was cancelled from outside");
    }
    assertThat(innerEnded).isTrue();
  }

  @Test
  void aTaskSpawnedIntoACancelledScopeStartsInterruptedWithItsContextDone() throws Exception {
    try (Scope scope = Scope.open(Context.background())) {
      scope.cancel();
      Task<String> t =
          scope.spawn(
              c -> (c.isDone() ? "done" : "live") + "/" + Thread.currentThread().isInterrupted());
      scope.join();
      assertThat(t.resultNow()).isEqualTo("done/true");
    }
  }

  @Test
  void stopNamesStragglersWithStacksAndKeepsThemVisibleUntilTheyEnd() {
    CountDownLatch release = new CountDownLatch(1);
    Scope scope = Scope.open(Context.background(), "stopper");
    Task<Void> stuck =
        scope.go(
            "stuck",
            c -> {
              while (true) {
                try {
                  release.await();
                  return;
                } catch (InterruptedException ignoredOnPurpose) {
                  // a task that ignores cancellation
                }
              }
            });
    Task<Void> polite = scope.go("polite", Context::await);
    awaitBlocked(stuck);
    awaitWaiting(polite, "ctx.await");

    StopReport report = scope.stop(Duration.ofMillis(50));

    assertThat(report.clean()).isFalse();
    assertThat(report.failures()).isEmpty();
    assertThat(report.stragglers()).hasSize(1);
    TaskInfo s = report.stragglers().get(0);
    assertThat(s.name()).isEqualTo("stuck");
    assertThat(s.path()).isEqualTo("stopper/stuck");
    assertThat(s.straggler()).isTrue();
    assertThat(s.stack()).anyMatch(f -> f.getMethodName().equals("await"));
    assertThat(s.spawnSite().getFileName()).isEqualTo("ScopeCancelStopTest.java");
    assertThat(report.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    assertThat(report.toString()).contains("1 straggler(s)").contains("'stuck'");
    assertThat(polite.state()).isEqualTo(Task.State.SUCCEEDED);
    assertThat(Tasks.snapshot())
        .filteredOn(i -> i.id() == stuck.id())
        .singleElement()
        .satisfies(i -> assertThat(i.straggler()).isTrue());
    assertThatThrownBy(() -> scope.go(c -> {})).isInstanceOf(IllegalStateException.class);

    release.countDown();
    Bounded.until("straggler ended", stuck::isEnded);
    Bounded.until(
        "scope left the registry",
        () -> Tasks.snapshot().stream().noneMatch(i -> i.name().equals("stopper")));
  }

  @Test
  void stopOfAScopeThatEndsInTimeIsCleanAndCarriesUnseenFailures() {
    Scope scope = Scope.supervised(Context.background(), "clean");
    scope.go(Context::await);
    RuntimeException boom = new RuntimeException("boom");
    Task<Void> bad =
        scope.go(c -> {
          throw boom;
        });
    Bounded.until("failed", () -> bad.state() == Task.State.FAILED);

    StopReport report = scope.stop(Bounded.HANG);

    assertThat(report.stragglers()).isEmpty();
    assertThat(report.failures()).containsExactly(boom);
    assertThat(report.clean()).isFalse();
    scope.close(); // the report delivered the failure: nothing left to throw

    Scope empty = Scope.open(Context.background());
    StopReport cleanReport = empty.stop(Duration.ZERO);
    assertThat(cleanReport.clean()).isTrue();
    assertThat(cleanReport.toString()).startsWith("stopped cleanly in ");
    assertThatThrownBy(() -> empty.stop(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void raceReturnsTheFirstSuccessAfterCancellingAndJoiningTheLosers() throws Exception {
    AtomicBoolean loserFinished = new AtomicBoolean();
    CountDownLatch loserParked = new CountDownLatch(1);
    String winner =
        Scope.race(
            Context.background(),
            List.<Work<String>>of(
                c -> {
                  try {
                    loserParked.countDown();
                    c.await();
                    return "loser";
                  } finally {
                    // Slow cleanup that race must wait for; it goes on through interrupts (a
                    // cancel that came before the await interrupts this thread).
                    long end = System.nanoTime() + 20_000_000;
                    while (System.nanoTime() < end) {
                      try {
                        Thread.sleep(1);
                      } catch (InterruptedException ignored) {
                        // keep cleaning up
                      }
                    }
                    loserFinished.set(true);
                  }
                },
                c -> {
                  Bounded.await(loserParked);
                  return "winner";
                }));

    assertThat(winner).isEqualTo("winner");
    assertThat(loserFinished).as("the loser was joined before race returned").isTrue();
  }

  @Test
  void raceWhereAllFailThrowsOneExceptionCarryingEveryFailure() {
    List<Work<Integer>> works = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      works.add(c -> {
        throw new IllegalStateException("contender " + n);
      });
    }
    assertThatThrownBy(() -> Scope.race(Context.background(), works))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("all 3 contenders failed")
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2));
    assertThatThrownBy(() -> Scope.race(Context.background(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mapKeepsOrderAndRespectsTheLimit() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    List<Integer> inputs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      inputs.add(i);
    }

    List<String> out =
        Scope.map(
            Context.background(),
            inputs,
            4,
            (c, n) -> {
              max.accumulateAndGet(running.incrementAndGet(), Math::max);
              Thread.yield();
              running.decrementAndGet();
              return "#" + n;
            });

    assertThat(out).hasSize(200);
    for (int i = 0; i < 200; i++) {
      assertThat(out.get(i)).isEqualTo("#" + i);
    }
    assertThat(max.get()).isLessThanOrEqualTo(4);
  }

  @Test
  void mapIsFailFast() {
    List<Integer> inputs = List.of(1, 2, 3, 4, 5, 6, 7, 8);
    assertThatThrownBy(() ->
            Scope.map(
                Context.background(),
                inputs,
                2,
                (c, n) -> {
                  if (n == 3) {
                    throw new IllegalArgumentException("bad item 3");
                  }
                  if (n > 3) {
                    c.await(); // later items wait for the failure to cancel them
                  }
                  return n;
                }))
        .isInstanceOf(TaskFailedException.class)
        .hasRootCauseMessage("bad item 3");
  }

  @Test
  void mapOfACancelledContextThrowsCancellation() {
    CancellableContext c = Context.background().withCancel();
    c.cancel();
    assertThatThrownBy(() -> Scope.map(c, List.of(1, 2), 1, (cc, n) -> n))
        .isInstanceOf(CancellationException.class);
  }
}
