package io.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.testing.Bounded;
import io.tether.testing.Carriers;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue "Cancellation is exact": a cancel reaches every blocking call (no lost interrupt), only the
 * cancellation itself counts as cancelled, and a scope cancelled from outside never returns partial
 * work silently. Races are forced by holding every carrier busy ({@link Carriers}) so that a task
 * woken by one event cannot run before the next one happens.
 */
class CancelExactTest {

  /** Runs {@code close} on a thread of its own, so a hang fails the test instead of CI. */
  private static void closeBounded(Scope scope) {
    Thread closer = Thread.ofPlatform().daemon(true).start(scope::close);
    Bounded.join(closer);
  }

  // ---- 1. lost interrupt ----

  /**
   * The task is woken by another context's cancel, and its own scope is cancelled before it runs:
   * its wait was not ended by that cancellation, so it must be interrupted, and its next sleep
   * wakes at once.
   */
  @Test
  void aWaitEndedByAnotherContextStillGetsTheInterrupt() {
    CancellableContext other = Context.background().withCancel();
    AtomicReference<Throwable> afterWait = new AtomicReference<>();
    Scope scope = Scope.open(Context.background(), "lost-interrupt");
    Task<Void> task =
        scope.go(
            "waits-on-other",
            c -> {
              other.await();
              try {
                Thread.sleep(
                    3 * Bounded.HANG.toMillis()); // outlives the bound: only an interrupt ends it
              } catch (InterruptedException e) {
                afterWait.set(e);
                throw e;
              }
            });
    ScopeTest.awaitWaiting(task, "ctx.await");
    try (Carriers busy = Carriers.occupyAll()) {
      other.cancel(); // wakes the task, which cannot run yet
      scope.cancel(); // must not take the wait on `other` for its own
    }
    closeBounded(scope);
    assertThat(afterWait.get()).isInstanceOf(InterruptedException.class);
    assertThat(task.state()).isEqualTo(Task.State.CANCELLED);
  }

  /** A receiver takes the value of {@code send(c, v)}, then the scope is cancelled. */
  @Test
  void aSendCompletedByAReceiverStillGetsTheInterrupt() throws Exception {
    Channel<Integer> ch = Channel.unbuffered();
    AtomicBoolean sent = new AtomicBoolean();
    Scope scope = Scope.open(Context.background(), "send-race");
    Task<Void> task =
        scope.go(
            "sender",
            c -> {
              ch.send(c, 1);
              sent.set(true);
              Thread.sleep(
                  3 * Bounded.HANG.toMillis()); // outlives the bound: only an interrupt ends it
            });
    ScopeTest.awaitWaiting(task, "chan send");
    try (Carriers busy = Carriers.occupyAll()) {
      assertThat(ch.tryReceive()).isEqualTo(1); // completes the send; the sender cannot run yet
      scope.cancel();
    }
    closeBounded(scope);
    assertThat(sent).as("the send happened").isTrue();
    assertThat(task.state()).isEqualTo(Task.State.CANCELLED);
  }

  /** A value wins a select that also waits on the task's own context; then the cancel. */
  @Test
  void aSelectWonByAValueStillGetsTheInterrupt() throws Exception {
    Channel<Integer> ch = Channel.unbuffered();
    AtomicReference<String> chosen = new AtomicReference<>();
    Scope scope = Scope.open(Context.background(), "select-race");
    Task<Void> task =
        scope.go(
            "selector",
            c -> {
              chosen.set(Select.select(ch.onReceive(v -> "value"), c.onDone(() -> "done")));
              Thread.sleep(
                  3 * Bounded.HANG.toMillis()); // outlives the bound: only an interrupt ends it
            });
    ScopeTest.awaitWaiting(task, "select");
    try (Carriers busy = Carriers.occupyAll()) {
      assertThat(ch.trySend(7)).isTrue(); // the receive clause wins
      scope.cancel();
    }
    closeBounded(scope);
    assertThat(chosen.get()).isEqualTo("value");
  }

  /** When the cancel itself ends the wait, the thread is woken directly, not interrupted. */
  @Test
  void aWaitTheCancelEndsIsNotInterrupted() throws Exception {
    Channel<Integer> ch = Channel.unbuffered();
    AtomicReference<Boolean> interrupted = new AtomicReference<>();
    try (Scope scope = Scope.open(Context.background(), "direct-wake")) {
      Task<Void> task =
          scope.go(
              "receiver",
              c -> {
                try {
                  ch.receive(c);
                } catch (CancellationException expected) {
                  interrupted.set(Thread.currentThread().isInterrupted());
                }
              });
      ScopeTest.awaitWaiting(task, "chan receive");
      scope.cancel();
    }
    assertThat(interrupted.get()).isFalse();
  }

  // ---- 2. failure or cancellation ----

  @Test
  void anExceptionThrownAfterTheCancelIsAFailure() {
    IOException late = new IOException("while shutting down");
    Scope scope = Scope.open(Context.background(), "late-failure");
    Task<Void> task =
        scope.go(
            "closer",
            c -> {
              try {
                c.await();
              } finally {
                throw late;
              }
            });
    ScopeTest.awaitWaiting(task, "ctx.await");
    scope.cancel();
    assertThatThrownBy(scope::close).isInstanceOf(TaskFailedException.class).hasCause(late);
    assertThat(task.state()).isEqualTo(Task.State.FAILED);
  }

  @Test
  void aStragglersLateFailureIsInTheStopReport() {
    CountDownLatch release = new CountDownLatch(1);
    AssertionError late = new AssertionError("late");
    Scope scope = Scope.open(Context.background(), "straggler");
    Task<Void> task =
        scope.go(
            "slow",
            c -> {
              awaitIgnoringInterrupts(release);
              throw late;
            });
    ScopeTest.awaitBlocked(task);
    StopReport first = scope.stop(Duration.ZERO);
    assertThat(first.stragglers()).hasSize(1);
    release.countDown();
    StopReport second = scope.stop(Bounded.HANG);
    assertThat(second.stragglers()).isEmpty();
    assertThat(second.failures()).containsExactly(late);
    assertThat(task.state()).isEqualTo(Task.State.FAILED);
  }

  @Test
  void aCancellationExceptionWhileTheContextIsLiveIsAFailure() {
    try (Scope scope = Scope.open(Context.background(), "inner-timeout")) {
      Task<Void> task =
          scope.go(
              "gives-up",
              c -> {
                try (CancellableContext inner = c.withTimeout(Duration.ZERO)) {
                  inner.throwIfDone(); // its own deadline escapes: nobody cancelled the task
                }
              });
      assertThatThrownBy(scope::join)
          .isInstanceOf(TaskFailedException.class)
          .hasCauseInstanceOf(DeadlineExceededException.class);
      assertThat(task.state()).isEqualTo(Task.State.FAILED);
    }
  }

  @Test
  void theCancelCauseRethrownIsTheCancellation() throws Exception {
    IllegalStateException why = new IllegalStateException("config reloaded");
    Scope scope = Scope.supervised(Context.background(), "cause");
    Task<Void> task =
        scope.go(
            "rethrows-cause",
            c -> {
              c.await();
              throw (Exception) c.cause();
            });
    ScopeTest.awaitWaiting(task, "ctx.await");
    task.context(); // the task's own context is cancelled with the cause below
    ((CancellableContext) scope.context()).cancel(why);
    closeBounded(scope);
    assertThat(task.state()).isEqualTo(Task.State.CANCELLED);
    assertThatThrownBy(task::resultNow).isInstanceOf(CancellationException.class).hasCause(why);
  }

  // ---- 3. no silent partial work ----

  @Test
  void joinThrowsTheDeadlineWhenItCutTheWorkShort() {
    try (CancellableContext request = Context.background().withTimeout(Duration.ofMillis(50));
        Scope scope = Scope.open(request, "checkout")) {
      Task<String> fast = scope.spawn("fast", c -> "done");
      Task<String> slow =
          scope.spawn(
              "slow",
              c -> {
                c.await(); // only the deadline ends this
                c.throwIfDone();
                return "never";
              });
      assertThatThrownBy(scope::join)
          .isInstanceOf(DeadlineExceededException.class)
          .hasMessageContaining("scope 'checkout'")
          .hasMessageContaining("deadline");
      assertThat(fast.resultNow()).isEqualTo("done");
      assertThatThrownBy(slow::resultNow).isInstanceOf(DeadlineExceededException.class);
    }
  }

  @Test
  void joinThrowsTheParentsCancelWithItsCause() throws Exception {
    RuntimeException why = new RuntimeException("client went away");
    CancellableContext parent = Context.background().withCancel();
    try (Scope scope = Scope.open(parent, "fan-out")) {
      Task<Void> t =
          scope.go(
              "waits",
              c -> {
                c.await();
                c.throwIfDone();
              });
      ScopeTest.awaitWaiting(t, "ctx.await");
      parent.cancel(why);
      assertThatThrownBy(scope::join)
          .isExactlyInstanceOf(CancellationException.class)
          .hasCause(why);
    }
  }

  @Test
  void theOwnersOwnCancelAndWorkThatFinishedAnywayStayQuiet() throws Exception {
    try (Scope scope = Scope.open(Context.background(), "own-cancel")) {
      Task<Void> t = scope.go("waits", c -> c.await());
      ScopeTest.awaitWaiting(t, "ctx.await");
      scope.cancel();
      scope.join(); // the owner asked for it: no exception
    }
    CancellableContext parent = Context.background().withCancel();
    try (Scope scope = Scope.open(parent, "all-done")) {
      scope.spawn("quick", c -> 1);
      scope.join();
      parent.cancel();
      scope.join(); // every task had succeeded
    }
  }

  @Test
  void mapAndRaceThrowTheContextsError() {
    try (CancellableContext c = Context.background().withTimeout(Duration.ofMillis(50))) {
      assertThatThrownBy(() ->
              Scope.map(
                  c,
                  List.of(1, 2, 3),
                  3,
                  (ctx, i) -> {
                    ctx.await();
                    ctx.throwIfDone();
                    return i;
                  }))
          .isInstanceOf(DeadlineExceededException.class);
    }
    try (CancellableContext c = Context.background().withTimeout(Duration.ofMillis(50))) {
      assertThatThrownBy(() ->
              Scope.race(
                  c,
                  List.<Work<Integer>>of(ctx -> {
                    ctx.await();
                    ctx.throwIfDone();
                    return 1;
                  })))
          .isInstanceOf(DeadlineExceededException.class);
    }
  }

  // ---- 4. the first failure wins ----

  @Test
  void aFailureThatSawAnEarlierOneNeverBecomesTheCause() throws Exception {
    for (int round = 0; round < 2_000; round++) {
      RuntimeException first = new RuntimeException("first " + round);
      RuntimeException second = new RuntimeException("second " + round);
      Scope scope = Scope.open(Context.background(), "first-wins");
      Task<Void> t1 =
          scope.go(
              "t1",
              c -> {
                throw first;
              });
      scope.go(
          "t2",
          c -> {
            try {
              t1.join();
            } catch (TaskFailedException | CancellationException seen) {
              // saw t1 end
            }
            throw second;
          });
      Throwable thrown = catchJoin(scope);
      assertThat(thrown).as("round %d", round).isInstanceOf(TaskFailedException.class);
      assertThat(thrown.getCause()).as("round %d", round).isSameAs(first);
      assertThat(scope.context().cause()).as("round %d", round).isSameAs(first);
      scope.close();
    }
  }

  private static Throwable catchJoin(Scope scope) throws InterruptedException {
    try {
      scope.join();
      return null;
    } catch (TaskFailedException e) {
      return e;
    }
  }

  // ---- 5. select is fair and total ----

  @Test
  void twoReadyClausesAmongNotReadyOnesWinEquallyOften() throws Exception {
    Channel<Integer> idle1 = Channel.unbuffered();
    Channel<Integer> idle2 = Channel.unbuffered();
    Channel<Integer> a = Channel.buffered(1);
    Channel<Integer> b = Channel.buffered(1);
    int rounds = 20_000;
    int aWon = 0;
    for (int i = 0; i < rounds; i++) {
      a.trySend(1);
      b.trySend(2);
      int v =
          Select.select(
              idle1.onReceive(x -> 0),
              idle2.onReceive(x -> 0),
              a.onReceive(x -> x),
              b.onReceive(x -> x));
      if (v == 1) {
        aWon++;
        b.tryReceive();
      } else {
        a.tryReceive();
      }
    }
    // Uniform: 50%. A random start with a linear scan gives 75%. 45..55% fails a fair select
    // with probability below 1e-40 at 20,000 rounds.
    assertThat(aWon).isBetween(rounds * 45 / 100, rounds * 55 / 100);
  }

  @Test
  void selectOrDefaultWithNoClausesRunsTheDefaultAndTheListFormsWork() throws Exception {
    assertThat(Select.selectOrDefault(() -> "default")).isEqualTo("default");
    assertThat(Select.<String>selectOrDefault(() -> "default", List.of())).isEqualTo("default");
    List<Channel<Integer>> inputs = List.of(Channel.buffered(1), Channel.buffered(1));
    inputs.get(1).trySend(42);
    List<SelectClause<Integer>> clauses = inputs.stream().map(ch -> ch.onReceive(v -> v)).toList();
    assertThat(Select.select(clauses)).isEqualTo(42);
    assertThatThrownBy(() -> Select.select(List.<SelectClause<Integer>>of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("selectOrDefault");
  }

  /** A clause whose registration fails (as a timer or a link can, out of memory). */
  private static final class FailingClause extends Clause<String> {
    @Override
    Object tryNow() {
      return NOT_READY;
    }

    @Override
    Object register(Parker parker, int index) {
      throw new IllegalStateException("cannot register");
    }

    @Override
    void unregister(Object handle) {}

    @Override
    String complete(Object outcome) {
      return "never";
    }

    @Override
    String describe() {
      return "failing";
    }
  }

  @Test
  void aSelectWhoseRegistrationFailsLeavesNothingClaimable() {
    Channel<Integer> ch = Channel.unbuffered();
    assertThatThrownBy(() -> Select.select(ch.onReceive(v -> "got " + v), new FailingClause()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot register");
    // The receive clause registered first must be gone: a send must not hand it a value.
    assertThat(ch.trySend(1)).isFalse();
  }

  // ---- 6. Go's ticker idiom ----

  @Test
  void aTickerSelectTakesTheDoneBranchWhenItsContextIsCancelled() throws Exception {
    for (int round = 0; round < 200; round++) {
      CancellableContext ctx = Context.background().withCancel();
      try (Ticker ticker = Ticker.start(ctx, Duration.ofHours(1))) {
        ctx.cancel();
        String r = Select.select(ticker.onTick(t -> "tick"), ctx.onDone(() -> "done"));
        assertThat(r).as("round %d", round).isEqualTo("done");
        assertThat(ticker.iterator().hasNext()).isFalse();
      }
    }
  }

  @Test
  void aStoppedTickerDeliversNoStaleTick() throws Exception {
    try (Ticker ticker = Ticker.start(Context.background(), Duration.ofMillis(1))) {
      java.util.Iterator<java.time.Instant> it = ticker.iterator();
      assertThat(it.hasNext()).isTrue(); // ticking
      it.next();
      Bounded.until("a tick waiting", () -> ticker.toString().contains("ticking"));
      ticker.stop();
      assertThat(it.hasNext()).isFalse();
      assertThat(Select.selectOrDefault(() -> "nothing", ticker.onTick(t -> "stale tick")))
          .isEqualTo("nothing");
    }
  }

  // ---- 7. a spawn waiting at the limit wakes on cancel ----

  @Test
  void aSpawnWaitingAtTheLimitWakesOnCancelAndStartsNothing() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean ran = new AtomicBoolean();
    try (Scope outer = Scope.open(Context.background(), "outer")) {
      Scope limited = Scope.open(Context.background(), "limited").limit(1);
      limited.go("holds-the-slot", c -> awaitIgnoringInterrupts(release));
      Task<Void> spawner =
          outer.go("spawner", c -> limited.go("second", c2 -> ran.set(true)).join());
      ScopeTest.awaitWaiting(spawner, "scope.limit");
      assertThat(Tasks.snapshot())
          .anySatisfy(i -> {
            assertThat(i.name()).isEqualTo("spawner");
            assertThat(i.waitReason()).isEqualTo("scope.limit");
          });
      limited.cancel();
      // The spawner's own context is live, so what it throws is its failure (by the rule).
      assertThatThrownBy(spawner::join)
          .isInstanceOf(TaskFailedException.class)
          .cause()
          .isInstanceOf(CancellationException.class)
          .hasMessageContaining("scope 'limited' was cancelled while a spawn waited");
      release.countDown();
      closeBounded(limited);
    }
    assertThat(ran).isFalse();
  }

  // ---- 8. afterDone is owned ----

  @Test
  void afterDoneRunsAsAVisibleTaskAndItsFailureReachesJoin() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    RuntimeException boom = new RuntimeException("boom");
    CancellableContext c = Context.background().withCancel();
    Registration r =
        c.afterDone(() -> {
          running.countDown();
          awaitIgnoringInterrupts(release);
          throw boom;
        });
    c.cancel();
    Bounded.await(running);
    assertThat(Tasks.snapshot())
        .anySatisfy(i -> {
          assertThat(i.path()).isEqualTo("afterDone/run");
          assertThat(i.spawnSite().getClassName()).isEqualTo(CancelExactTest.class.getName());
        });
    assertThat(r.task()).isPresent();
    release.countDown();
    assertThatThrownBy(r::join).isInstanceOf(TaskFailedException.class).hasCause(boom);
    Bounded.until(
        "afterDone scope gone",
        () -> Tasks.snapshot().stream().noneMatch(i -> i.path().startsWith("afterDone")));
  }

  @Test
  void aStoppedRegistrationJoinsAtOnce() throws Exception {
    CancellableContext c = Context.background().withCancel();
    Registration r = c.afterDone(() -> {});
    assertThat(r.stop()).isTrue();
    r.join();
    assertThat(r.task()).isEmpty();
    c.cancel();
  }

  // ---- 9. no shared mutable errors ----

  @Test
  void errorsHandedOutCarryNothingFromOneUserToAnother() throws Exception {
    CancellableContext c = Context.background().withCancel();
    c.cancel();
    c.err().addSuppressed(new RuntimeException("one user's"));
    assertThat(c.err().getSuppressed()).isEmpty();

    Scope scope = Scope.open(Context.background(), "ended");
    Task<Void> t = scope.go("ends", ctx -> {});
    scope.join();
    t.context().err().addSuppressed(new RuntimeException("one user's"));
    assertThat(t.context().err().getSuppressed()).isEmpty();
    scope.close();
  }

  // ---- 10. no locks on objects users hold ----

  @Test
  void aUsersMonitorOnAContextDoesNotStallItsCancel() throws Exception {
    CancellableContext c = Context.background().withCancel();
    CountDownLatch cancelled = new CountDownLatch(1);
    synchronized (c) {
      Thread canceller =
          Thread.ofPlatform()
              .daemon(true)
              .start(() -> {
                c.withCancel().cancel(); // derive and cancel: both touch c's list
                c.cancel();
                cancelled.countDown();
              });
      Bounded.await(cancelled);
      Bounded.join(canceller);
    }
    assertThat(c.isDone()).isTrue();
  }

  // ---- 11. a big cascade never delays other deadlines ----

  /** A link whose notification blocks until released: stands for a cascade of 100k tasks. */
  private static final class SlowCascade extends DoneLink {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    void onDone(ContextErrors.Done done) {
      entered.countDown();
      awaitIgnoringInterrupts(release);
    }
  }

  @Test
  void aLongCascadeDoesNotDelayAnotherDeadline() throws Exception {
    SlowCascade slow = new SlowCascade();
    try (CancellableContext big = Context.background().withTimeout(Duration.ofMillis(500))) {
      // Linked right after creation, long before the deadline (a stalled machine would say so).
      assertThat(((CancelNode) big).link(slow)).as("linked before the deadline").isTrue();
      Bounded.await(slow.entered); // big's deadline fired; its cascade is stuck
      try (CancellableContext other = Context.background().withTimeout(Duration.ofMillis(20))) {
        assertThat(other.await(Bounded.HANG)).as("other's deadline fired").isTrue();
        assertThat(other.err()).isInstanceOf(DeadlineExceededException.class);
      } finally {
        slow.release.countDown();
      }
    }
  }

  // ---- 12. sites name the user's line ----

  @Test
  void everyTetherClassIsInternalToSitesAndUserClassesAreNot() {
    assertThat(SpawnSites.isOwn(CancelNode.class)).isTrue();
    assertThat(SpawnSites.isOwn(AfterDone.class)).isTrue();
    assertThat(SpawnSites.isOwn(Waits.Wait.class)).isTrue();
    assertThat(SpawnSites.isOwn(CancelExactTest.class)).isFalse();
    assertThat(SpawnSites.isOwn(String.class)).isFalse();
  }

  @Test
  void aChannelClosedFromACallbackNamesNoInternalFrame() throws Exception {
    Channel<Integer> ch = Channel.unbuffered();
    CancellableContext closer = Context.background().withCancel();
    closer.afterDone(ch::close);
    closer.cancel();
    Bounded.until("closed", ch::isClosed);
    assertThatThrownBy(() -> ch.send(1))
        .isInstanceOf(ChannelClosedException.class)
        .message()
        .doesNotContain("io.tether.CancelNode")
        .doesNotContain("io.tether.AfterDone");
  }

  /** Waits for {@code latch} through interrupts (a task that ignores its cancellation). */
  static void awaitIgnoringInterrupts(CountDownLatch latch) {
    boolean interrupted = false;
    long end = System.nanoTime() + Bounded.HANG.toNanos();
    try {
      while (true) {
        try {
          if (!latch.await(end - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
            Bounded.hung("latch " + latch);
          }
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
