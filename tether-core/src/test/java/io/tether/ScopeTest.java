package io.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.testing.Bounded;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Spawning, joining, failing, limits: the owner rules of Scope and Task. */
class ScopeTest {

  /** Blocks until {@code task} is parked in a Tether wait of the given kind. */
  static void awaitWaiting(Task<?> task, String reason) {
    Bounded.until(
        task + " waiting in " + reason,
        () -> {
          Thread t = task.thread;
          Waits.Wait w = t == null ? null : Waits.of(t);
          return w != null && w.reason().equals(reason);
        });
  }

  /** Blocks until {@code task}'s thread is in a JDK sleep or park. */
  static void awaitBlocked(Task<?> task) {
    Bounded.until(
        task + " blocked",
        () -> {
          Thread t = task.thread;
          return t != null
              && (t.getState() == Thread.State.TIMED_WAITING
                  || t.getState() == Thread.State.WAITING);
        });
  }

  @Test
  void tasksRunOnTheirOwnVirtualThreadsWithTheirOwnChildContexts() throws Exception {
    try (Scope scope = Scope.open(Context.background(), "fan-out")) {
      Task<Boolean> a = scope.spawn("a", c -> Thread.currentThread().isVirtual());
      Task<Context> b = scope.spawn("b", c -> c);
      Task<Void> v = scope.go(c -> {});
      scope.join();

      assertThat(a.resultNow()).isTrue();
      assertThat(b.resultNow()).isSameAs(b.context()).isNotSameAs(scope.context());
      assertThat(b.context().toString()).startsWith("background.scope(fan-out).task(b)");
      assertThat(v.resultNow()).isNull();
      assertThat(v.name()).isEqualTo("task-" + v.id());
      assertThat(a.state()).isEqualTo(Task.State.SUCCEEDED);
      assertThat(a.id()).isNotEqualTo(b.id());
      assertThat(a.join()).isTrue();
    }
  }

  @Test
  void failFastCancelsASiblingBlockedInThreadSleep() throws Exception {
    AtomicReference<Throwable> siblingSaw = new AtomicReference<>();
    IOException boom = new IOException("disk on fire");
    Scope scope = Scope.open(Context.background(), "ff");
    Task<Void> sleeper =
        scope.go(
            "sleeper",
            c -> {
              try {
                Thread.sleep(Bounded.HANG.multipliedBy(3));
              } catch (InterruptedException e) {
                siblingSaw.set(e);
                throw e;
              }
            });
    awaitBlocked(sleeper);
    Task<Void> failing =
        scope.go(
            "failing",
            c -> {
              throw boom;
            });

    assertThatThrownBy(scope::join)
        .isInstanceOf(TaskFailedException.class)
        .hasCause(boom)
        .hasMessageContaining("scope 'ff'")
        .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());

    assertThat(siblingSaw.get()).isInstanceOf(InterruptedException.class);
    assertThat(sleeper.state()).isEqualTo(Task.State.CANCELLED);
    assertThat(failing.state()).isEqualTo(Task.State.FAILED);
    assertThat(failing.exceptionNow()).isSameAs(boom);
    assertThat(scope.context().cause()).isSameAs(boom);
    scope.close(); // the failure was reported by join: close does not throw it again
  }

  @Test
  void closeRethrowsAFailureNobodySaw() {
    IllegalStateException boom = new IllegalStateException("unseen");
    Scope scope = Scope.open(Context.background(), "unseen");
    Task<Void> t =
        scope.go(c -> {
          throw boom;
        });
    // Let it fail first: a close() that came earlier would cancel it (CANCELLED, not FAILED).
    Bounded.until("failed", () -> t.state() == Task.State.FAILED);

    assertThatThrownBy(scope::close).isInstanceOf(TaskFailedException.class).hasCause(boom);
    scope.close(); // idempotent, and now reported
  }

  @Test
  void supervisedLetsSiblingsRunAndKeepsEachFailureOnItsHandle() throws Exception {
    CountDownLatch sawFailure = new CountDownLatch(1);
    RuntimeException boom = new RuntimeException("one bad apple");
    Scope scope = Scope.supervised(Context.background(), "sup");
    Task<Void> bad =
        scope.go(
            "bad",
            c -> {
              throw boom;
            });
    Task<String> good =
        scope.spawn(
            "good",
            c -> {
              Bounded.await(sawFailure);
              return c.isDone() ? "cancelled" : "ran on";
            });
    Bounded.until("bad failed", () -> bad.state() == Task.State.FAILED);
    sawFailure.countDown();

    scope.join(); // supervised: no throw

    assertThat(good.resultNow()).isEqualTo("ran on");
    assertThat(scope.context().isDone()).isFalse();
    assertThatThrownBy(bad::join).isInstanceOf(TaskFailedException.class).hasCause(boom);
    scope.close(); // bad's failure was seen through its handle
  }

  @Test
  void supervisedCloseThrowsEveryUnseenFailureFirstAsCauseRestSuppressed() throws Exception {
    Scope scope = Scope.supervised(Context.background(), "sup2");
    List<RuntimeException> booms = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RuntimeException boom = new RuntimeException("boom " + i);
      booms.add(boom);
      Task<Void> t =
          scope.go(c -> {
            throw boom;
          });
      Bounded.until("failed", () -> t.state() == Task.State.FAILED);
    }

    assertThatThrownBy(scope::close)
        .isInstanceOf(TaskFailedException.class)
        .hasCause(booms.get(0))
        .hasMessageContaining("3 tasks failed")
        .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(booms.get(1), booms.get(2)));
  }

  @Test
  void closeWithoutJoinCancelsAndWaits() {
    AtomicBoolean cleanedUp = new AtomicBoolean();
    Task<Void> waiter;
    Task<Void> sleeper;
    try (Scope scope = Scope.open(Context.background())) {
      waiter =
          scope.go(c -> {
            try {
              c.await();
            } finally {
              cleanedUp.set(true);
            }
          });
      sleeper = scope.go(c -> Thread.sleep(Bounded.HANG.multipliedBy(3)));
      awaitWaiting(waiter, "ctx.await");
      awaitBlocked(sleeper);
    }
    assertThat(cleanedUp).isTrue();
    assertThat(waiter.state()).isEqualTo(Task.State.SUCCEEDED); // await returned normally
    assertThat(sleeper.state()).isEqualTo(Task.State.CANCELLED);
  }

  @Test
  void closeKeepsWaitingWhenInterruptedAndRestoresTheStatus() {
    CountDownLatch release = new CountDownLatch(1);
    Scope scope = Scope.open(Context.background(), "stubborn");
    Task<Void> stubborn =
        scope.go(
            "stubborn",
            c -> {
              while (true) {
                try {
                  release.await();
                  return;
                } catch (InterruptedException ignored) {
                  // ignores cancellation on purpose
                }
              }
            });
    AtomicReference<Boolean> interruptedAfterClose = new AtomicReference<>();
    Thread closer =
        Thread.ofVirtual()
            .start(() -> {
              scope.close();
              interruptedAfterClose.set(Thread.currentThread().isInterrupted());
            });
    Bounded.until("closer parked", () -> closer.getState() == Thread.State.WAITING);
    awaitBlocked(stubborn);

    closer.interrupt();
    Bounded.until(
        "closer parked again after the interrupt", () -> closer.getState() == Thread.State.WAITING);
    assertThat(closer.isAlive()).as("close() must not return while a task is alive").isTrue();
    assertThat(stubborn.state()).isEqualTo(Task.State.RUNNING);
    release.countDown();

    Bounded.join(closer);
    assertThat(interruptedAfterClose.get()).isTrue();
    assertThat(stubborn.state()).isEqualTo(Task.State.SUCCEEDED);
  }

  @Test
  void limitIsNeverExceededAndTrySpawnIsEmptyAtTheLimit() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    CountDownLatch gate = new CountDownLatch(1);
    try (Scope scope = Scope.open(Context.background(), "limited").limit(3)) {
      Work<Void> work =
          c -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            Bounded.await(gate);
            running.decrementAndGet();
            return null;
          };
      for (int i = 0; i < 3; i++) {
        scope.spawn(work);
      }
      assertThat(scope.trySpawn(work)).isEmpty();
      AtomicInteger spawnedByHelper = new AtomicInteger();
      Thread spawner =
          Thread.ofVirtual()
              .start(() -> {
                for (int i = 0; i < 20; i++) {
                  scope.spawn(work);
                  spawnedByHelper.incrementAndGet();
                }
              });
      Bounded.until(
          "spawner blocked at the limit", () -> spawner.getState() == Thread.State.WAITING);
      assertThat(spawnedByHelper.get()).isZero();
      assertThat(running.get()).isLessThanOrEqualTo(3);

      gate.countDown();
      Bounded.join(spawner);
      scope.join();
      assertThat(spawnedByHelper.get()).isEqualTo(20);
      Optional<Task<Void>> late = scope.trySpawn("late", work);
      assertThat(late).isPresent();
      late.get().join();
    }
    assertThat(maxRunning.get()).isEqualTo(3);
  }

  @Test
  void limitRejectsBadValuesAndLateCalls() {
    try (Scope scope = Scope.open(Context.background(), "lim")) {
      assertThatThrownBy(() -> scope.limit(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("scope 'lim'")
          .hasMessageContaining(">= 1");
      scope.go(c -> {});
      assertThatThrownBy(() -> scope.limit(2))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("before the first spawn");
    }
  }

  @Test
  void spawnIntoAClosedScopeNamesTheScopeAndWhoClosedIt() {
    Scope scope = Scope.open(Context.background(), "ingest");
    scope.close();

    // Default spawn-site mode: the closing thread, and how to get the line (FullSpawnSiteTest).
    assertThatThrownBy(() -> scope.go(c -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot spawn into scope 'ingest': it is closed")
        .hasMessageContaining("closed by " + Thread.currentThread())
        .hasMessageContaining("-Dtether.spawnSite=full");
    assertThatThrownBy(() -> scope.trySpawn(c -> 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> scope.limit(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anyThreadHoldingTheScopeMaySpawnIncludingItsOwnTasks() throws Exception {
    try (Scope scope = Scope.open(Context.background(), "coordinator")) {
      Task<Integer> parent =
          scope.spawn(
              "parent",
              c -> {
                Task<Integer> child = scope.spawn("child", cc -> 41);
                return child.join() + 1;
              });
      scope.join();
      assertThat(parent.resultNow()).isEqualTo(42);
    }
  }

  @Test
  void closeFromOwnTaskIsRefusedRatherThanDeadlocking() throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    try (Scope scope = Scope.open(Context.background(), "self")) {
      scope.go(c -> {
        try {
          scope.close();
        } catch (IllegalStateException e) {
          thrown.set(e);
        }
      });
      scope.join();
    }
    assertThat(thrown.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scope 'self'")
        .hasMessageContaining("would wait for itself");
  }

  @Test
  void cancellingOneTaskLeavesItsSiblings() throws Exception {
    try (Scope scope = Scope.open(Context.background())) {
      Task<Void> a = scope.go(Context::await);
      Task<Void> b = scope.go(Context::await);
      awaitWaiting(a, "ctx.await");

      a.cancel();

      assertThat(a.join()).isNull(); // await returned, so the body returned normally
      assertThat(a.state()).isEqualTo(Task.State.SUCCEEDED);
      assertThat(a.context().isDone()).isTrue();
      assertThat(b.state()).isEqualTo(Task.State.RUNNING);
      assertThat(scope.context().isDone()).isFalse();
      b.cancel();
    }
  }

  @Test
  void aTaskThatThrowsAfterCancellationIsCancelledNotFailed() throws Exception {
    try (Scope scope = Scope.open(Context.background())) {
      Task<Void> t =
          scope.go(c -> {
            c.await();
            c.throwIfDone();
          });
      awaitWaiting(t, "ctx.await");
      t.cancel();

      assertThatThrownBy(t::join)
          .isInstanceOf(CancellationException.class)
          .hasMessageContaining("was cancelled");
      assertThat(t.state()).isEqualTo(Task.State.CANCELLED);
      scope.join(); // a cancellation is not a failure
    }
  }

  @Test
  void resultAndExceptionAccessorsNameTheState() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Scope scope = Scope.supervised(Context.background(), "acc")) {
      Task<String> running =
          scope.spawn(
              "slow",
              c -> {
                Bounded.await(release);
                return "ok";
              });
      assertThatThrownBy(running::resultNow)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'slow'")
          .hasMessageContaining("still running");
      assertThatThrownBy(running::exceptionNow)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("RUNNING");
      release.countDown();
      assertThat(running.join()).isEqualTo("ok");
      assertThatThrownBy(running::exceptionNow).hasMessageContaining("SUCCEEDED");

      Task<String> failed =
          scope.spawn(
              "bad",
              c -> {
                throw new IOException("nope");
              });
      scope.join();
      assertThatThrownBy(failed::resultNow)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("FAILED")
          .hasCauseInstanceOf(IOException.class);
    }
  }

  @Test
  void joinFromTheTaskItselfIsRefused() throws Exception {
    AtomicReference<Task<Object>> self = new AtomicReference<>();
    CountDownLatch published = new CountDownLatch(1);
    try (Scope scope = Scope.open(Context.background())) {
      Task<Object> t =
          scope.spawn(c -> {
            Bounded.await(published);
            return self.get().join();
          });
      self.set(t);
      published.countDown();
      assertThatThrownBy(scope::join)
          .isInstanceOf(TaskFailedException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("would wait forever");
    }
  }

  @Test
  void nullArgumentsAreRejectedByName() {
    assertThatThrownBy(() -> Scope.open(null)).hasMessage("ctx");
    assertThatThrownBy(() -> Scope.open(Context.background(), null)).hasMessage("name");
    try (Scope scope = Scope.open(Context.background())) {
      assertThatThrownBy(() -> scope.spawn(null)).hasMessage("work");
      assertThatThrownBy(() -> scope.spawn(null, c -> 1)).hasMessage("name");
      assertThatThrownBy(() -> scope.go((VoidWork) null)).hasMessage("work");
      assertThatThrownBy(() -> scope.trySpawn(null)).hasMessage("work");
      assertThatThrownBy(() -> scope.stop(null)).hasMessage("timeout");
    }
  }
}
