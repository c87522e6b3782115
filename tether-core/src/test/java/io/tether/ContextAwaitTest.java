package io.tether;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.testing.Bounded;
import io.tether.testing.ThreadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Waiting on a context, on platform and virtual threads. */
class ContextAwaitTest {

  /** Blocks until {@code t} is parked with {@code node}'s list holding {@code waiters} entries. */
  private static void awaitParked(Thread t, CancelNode node, int waiters) {
    Bounded.until(
        t + " parked in await",
        () ->
            node.linkedCount() == waiters
                && (t.getState() == Thread.State.WAITING
                    || t.getState() == Thread.State.TIMED_WAITING));
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void cancelWakesAParkedWaiterWithoutInterrupting(ThreadKind kind) {
    CancellableContext c = Context.background().withCancel();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread waiter =
        kind.start(
            "waiter",
            () -> {
              try {
                c.await();
                outcome.set(Thread.currentThread().isInterrupted() ? "interrupted" : "woken");
              } catch (InterruptedException e) {
                outcome.set(e);
              }
            });
    awaitParked(waiter, (CancelNode) c, 1);

    c.cancel();

    Bounded.join(waiter);
    assertThat(outcome.get()).isEqualTo("woken");
    assertThat(((CancelNode) c).linkedCount()).isZero();
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void parentCancelWakesWaitersOnDescendants(ThreadKind kind) {
    CancellableContext parent = Context.background().withCancel();
    Context grandchild = parent.withCancel().withValue(Context.Key.of("k"), "v").withCancel();
    CountDownLatch woke = new CountDownLatch(3);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      threads.add(
          kind.start(
              "waiter-" + i,
              () -> {
                try {
                  grandchild.await();
                  woke.countDown();
                } catch (InterruptedException e) {
                  throw new AssertionError(e);
                }
              }));
    }
    for (Thread t : threads) {
      Bounded.until(t + " parked", () -> t.getState() == Thread.State.WAITING);
    }

    parent.cancel();

    Bounded.await(woke);
    threads.forEach(Bounded::join);
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void interruptEndsTheWaitAndUnregistersTheWaiter(ThreadKind kind) {
    CancellableContext c = Context.background().withCancel();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread waiter =
        kind.start(
            "waiter",
            () -> {
              try {
                c.await();
                outcome.set("returned");
              } catch (InterruptedException e) {
                outcome.set(e);
              }
            });
    awaitParked(waiter, (CancelNode) c, 1);

    waiter.interrupt();

    Bounded.join(waiter);
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    assertThat(c.isDone()).as("interrupting a waiter must not cancel the context").isFalse();
    assertThat(((CancelNode) c).linkedCount()).isZero();
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void timedAwaitReturnsFalseOnTimeoutAndUnregisters(ThreadKind kind) throws Exception {
    CancellableContext c = Context.background().withCancel();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread waiter =
        kind.start(
            "waiter",
            () -> {
              try {
                outcome.set(c.await(Duration.ofMillis(30)));
              } catch (InterruptedException e) {
                outcome.set(e);
              }
            });

    Bounded.join(waiter);

    assertThat(outcome.get()).isEqualTo(false);
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
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread waiter =
        kind.start(
            "waiter",
            () -> {
              try {
                outcome.set(c.await(Bounded.HANG.multipliedBy(2)));
              } catch (InterruptedException e) {
                outcome.set(e);
              }
            });
    awaitParked(waiter, (CancelNode) c, 1);

    c.cancel();

    Bounded.join(waiter);
    assertThat(outcome.get()).isEqualTo(true);
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void neverDoneContextsWaitUntilInterrupted(ThreadKind kind) {
    for (Context never :
        List.of(Context.background(), Context.background().withCancel().withoutCancel())) {
      AtomicReference<Object> outcome = new AtomicReference<>();
      Thread waiter =
          kind.start(
              "waiter",
              () -> {
                try {
                  never.await();
                  outcome.set("returned");
                } catch (InterruptedException e) {
                  outcome.set(e);
                }
              });
      Bounded.until(waiter + " parked", () -> waiter.getState() == Thread.State.WAITING);

      waiter.interrupt();

      Bounded.join(waiter);
      assertThat(outcome.get()).as("%s", never).isInstanceOf(InterruptedException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void awaitOnADoneContextReturnsAtOnce(ThreadKind kind) throws InterruptedException {
    CancellableContext c = Context.background().withCancel();
    c.cancel();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread t =
        kind.start(
            "waiter",
            () -> {
              try {
                c.await();
                outcome.set(c.await(Duration.ofDays(1)));
              } catch (InterruptedException e) {
                outcome.set(e);
              }
            });
    Bounded.join(t);
    assertThat(outcome.get()).isEqualTo(true);
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
    Thread reader =
        kind.start(
            "reader",
            () -> {
              for (int i = 0; i < rounds; i++) {
                try {
                  contexts.get(i).await();
                } catch (InterruptedException e) {
                  throw new AssertionError(e);
                }
                seen[i] = plain[i];
              }
            });
    for (int i = 0; i < rounds; i++) {
      plain[i] = i + 1;
      contexts.get(i).cancel();
    }
    Bounded.join(reader);
    for (int i = 0; i < rounds; i++) {
      assertThat(seen[i]).as("round %d", i).isEqualTo(i + 1);
    }
  }
}
