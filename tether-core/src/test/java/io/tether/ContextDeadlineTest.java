package io.tether;

import static io.tether.testing.Errors.assertSameCancellation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.testing.Bounded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deadlines and timeouts: the shared timer, inheritance, born-done, no thread per context. */
class ContextDeadlineTest {

  @Test
  void timeoutFiresDeadlineExceeded() throws InterruptedException {
    CancellableContext c = Context.background().withTimeout(Duration.ofMillis(20));

    assertThat(c.await(Bounded.HANG)).as("deadline must fire").isTrue();

    assertThat(c.err())
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageStartingWith("context background.withDeadline(")
        .hasMessageEndingWith(" exceeded");
    assertSameCancellation(c.cause(), c.err());
    assertThat(c.toString()).endsWith("[done: deadline exceeded]");
    assertThatThrownBy(c::throwIfDone)
        .isExactlyInstanceOf(DeadlineExceededException.class)
        .isNotSameAs(c.err());
  }

  @Test
  void parentDeadlineReachesChildrenAsDeadlineExceeded() throws InterruptedException {
    CancellableContext parent = Context.background().withTimeout(Duration.ofMillis(10));
    CancellableContext child = parent.withCancel();
    Context valued = child.withValue(Context.Key.of("k"), 1);

    assertThat(valued.await(Bounded.HANG)).isTrue();

    assertSameCancellation(child.err(), parent.err());
    assertThat(child.err()).isInstanceOf(DeadlineExceededException.class);
    assertSameCancellation(valued.err(), parent.err());
  }

  @Test
  void zeroOrNegativeTimeoutIsBornDoneNotAnError() {
    for (Duration d :
        List.of(Duration.ZERO, Duration.ofSeconds(-5), Duration.ofSeconds(Long.MIN_VALUE))) {
      CancellableContext c = Context.background().withTimeout(d);
      assertThat(c.isDone()).as("timeout %s", d).isTrue();
      assertThat(c.err()).as("timeout %s", d).isInstanceOf(DeadlineExceededException.class);
    }
    CancellableContext past = Context.background().withDeadline(Instant.now().minusSeconds(1));
    assertThat(past.err()).isInstanceOf(DeadlineExceededException.class);
    assertThat(Context.background().withDeadline(Instant.MIN).isDone()).isTrue();
  }

  @Test
  void bornDoneChildDoesNotStayRegistered() {
    CancellableContext parent = Context.background().withCancel();
    parent.withTimeout(Duration.ofSeconds(-1));
    assertThat(((CancelNode) parent).linkedCount()).isZero();
  }

  @Test
  void hugeTimeoutsSaturateInsteadOfFailing() {
    try (CancellableContext c =
            Context.background().withTimeout(Duration.ofSeconds(Long.MAX_VALUE));
        CancellableContext d = Context.background().withDeadline(Instant.MAX)) {
      assertThat(c.isDone()).isFalse();
      assertThat(c.deadline()).contains(Instant.MAX);
      assertThat(d.deadline()).contains(Instant.MAX);
      assertThat(d.isDone()).isFalse();
    }
  }

  @Test
  void childDeadlineIsNeverLaterThanParents() {
    Instant soon = Instant.now().plusSeconds(60);
    Instant later = soon.plusSeconds(3600);
    Instant sooner = soon.minusSeconds(30);
    try (CancellableContext parent = Context.background().withDeadline(soon)) {
      CancellableContext laterChild = parent.withDeadline(later);
      CancellableContext soonerChild = parent.withDeadline(sooner);
      CancellableContext plainChild = parent.withCancel();

      assertThat(parent.deadline()).contains(soon);
      assertThat(laterChild.deadline()).contains(soon);
      assertThat(soonerChild.deadline()).contains(sooner);
      assertThat(plainChild.deadline()).contains(soon);
      assertThat(parent.withValue(Context.Key.of("k"), "v").deadline()).contains(soon);
      assertThat(parent.withoutCancel().deadline()).isEmpty();
    }
  }

  @Test
  void cancelRemovesTheTimerSoShortLivedTimeoutsLeaveNothing() {
    int before = Timers.pending();
    List<CancellableContext> live = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      live.add(Context.background().withTimeout(Duration.ofHours(1)));
    }
    assertThat(Timers.pending()).isGreaterThanOrEqualTo(before + 1000);

    live.forEach(CancellableContext::cancel);

    assertThat(Timers.pending()).isLessThanOrEqualTo(before);
  }

  @Test
  void laterDeadlineUnderEarlierParentNeedsNoTimer() {
    try (CancellableContext parent = Context.background().withTimeout(Duration.ofHours(1))) {
      int before = Timers.pending();
      for (int i = 0; i < 100; i++) {
        parent.withTimeout(Duration.ofHours(2));
      }
      assertThat(Timers.pending()).isEqualTo(before);
    }
  }

  @Test
  void noThreadPerContextOnlyTheSharedTimer() {
    List<CancellableContext> contexts = new ArrayList<>();
    contexts.add(Context.background().withTimeout(Duration.ofHours(1))); // timer thread exists now
    int threadsBefore = Thread.activeCount();

    for (int i = 0; i < 10_000; i++) {
      contexts.add(Context.background().withTimeout(Duration.ofMinutes(30 + i % 7)));
      contexts.add(contexts.getLast().withCancel());
    }

    assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore);
    long timerThreads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals(Timers.THREAD_NAME))
            .count();
    assertThat(timerThreads).isEqualTo(1);
    contexts.forEach(CancellableContext::cancel);
  }
}
