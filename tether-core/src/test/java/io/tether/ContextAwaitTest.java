package io.tether;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.testing.Bounded;
import io.tether.testing.Runner;
import io.tether.testing.ThreadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Waiting on a context, on platform and virtual threads. */
class ContextAwaitTest {

  /** Blocks until {@code r} is parked with {@code node}'s list holding {@code waiters} entries. */
  private static void awaitParked(Runner r, CancelNode node, int waiters) {
    r.awaitParked();
    Bounded.until(r.thread + " linked as a waiter", () -> node.linkedCount() == waiters);
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void cancelWakesAParkedWaiterWithoutInterrupting(ThreadKind kind) {
    CancellableContext c = Context.background().withCancel();
    Runner waiter =
        Runner.call(
            kind,
            "waiter",
            () -> {
              c.await();
              return Thread.currentThread().isInterrupted() ? "interrupted" : "woken";
            });
    awaitParked(waiter, (CancelNode) c, 1);

    c.cancel();

    assertThat(waiter.outcome()).isEqualTo("woken");
    assertThat(((CancelNode) c).linkedCount()).isZero();
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void parentCancelWakesWaitersOnDescendants(ThreadKind kind) {
    CancellableContext parent = Context.background().withCancel();
    Context grandchild = parent.withCancel().withValue(Context.Key.of("k"), "v").withCancel();
    List<Runner> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiters.add(Runner.run(kind, "waiter-" + i, grandchild::await).awaitParked());
    }

    parent.cancel();

    for (Runner w : waiters) {
      assertThat(w.join()).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void interruptEndsTheWaitAndUnregistersTheWaiter(ThreadKind kind) {
    CancellableContext c = Context.background().withCancel();
    Runner waiter = Runner.run(kind, "waiter", c::await);
    awaitParked(waiter, (CancelNode) c, 1);

    waiter.thread.interrupt();

    assertThat(waiter.join()).isInstanceOf(InterruptedException.class);
    assertThat(c.isDone()).as("interrupting a waiter must not cancel the context").isFalse();
    assertThat(((CancelNode) c).linkedCount()).isZero();
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void timedAwaitReturnsFalseOnTimeoutAndUnregisters(ThreadKind kind) throws Exception {
    CancellableContext c = Context.background().withCancel();

    assertThat(Runner.call(kind, "waiter", () -> c.await(Duration.ofMillis(30))).outcome())
        .isEqualTo(false);

    assertThat(((CancelNode) c).linkedCount()).isZero();
    assertThat(c.await(Duration.ZERO)).isFalse();
    assertThat(c.await(Duration.ofSeconds(-1))).isFalse();
    c.cancel();
    assertThat(c.await(Duration.ZERO)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void timedAwaitReturnsTrueWhenCancelledFirst(ThreadKind kind) {
    CancellableContext c = Context.background().withCancel();
    Runner waiter = Runner.call(kind, "waiter", () -> c.await(Bounded.HANG.multipliedBy(2)));
    awaitParked(waiter, (CancelNode) c, 1);

    c.cancel();

    assertThat(waiter.outcome()).isEqualTo(true);
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void neverDoneContextsWaitUntilInterrupted(ThreadKind kind) {
    for (Context never :
        List.of(Context.background(), Context.background().withCancel().withoutCancel())) {
      Runner waiter = Runner.run(kind, "waiter", never::await).awaitParked();

      waiter.thread.interrupt();

      assertThat(waiter.join()).as("%s", never).isInstanceOf(InterruptedException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void awaitOnADoneContextReturnsAtOnce(ThreadKind kind) {
    CancellableContext c = Context.background().withCancel();
    c.cancel();
    Runner waiter =
        Runner.call(
            kind,
            "waiter",
            () -> {
              c.await();
              return c.await(Duration.ofDays(1));
            });
    assertThat(waiter.outcome()).isEqualTo(true);
  }

  /** Writes before cancel are visible after await returns: the happens-before edge. */
  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void cancelHappensBeforeAwaitReturns(ThreadKind kind) {
    int rounds = 2_000;
    int[] plain = new int[rounds]; // deliberately not volatile
    int[] seen = new int[rounds];
    List<CancellableContext> contexts = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      contexts.add(Context.background().withCancel());
    }
    Runner reader =
        Runner.run(
            kind,
            "reader",
            () -> {
              for (int i = 0; i < rounds; i++) {
                contexts.get(i).await();
                seen[i] = plain[i];
              }
            });
    for (int i = 0; i < rounds; i++) {
      plain[i] = i + 1;
      contexts.get(i).cancel();
    }
    assertThat(reader.join()).isNull();
    for (int i = 0; i < rounds; i++) {
      assertThat(seen[i]).as("round %d", i).isEqualTo(i + 1);
    }
  }
}
