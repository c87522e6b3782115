package io.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.testing.Runner;
import io.tether.testing.ThreadKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WaitGroupTickerTest {

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void waitGroupAwaitReturnsWhenTheCountReachesZero(ThreadKind kind) throws Exception {
    WaitGroup wg = new WaitGroup();
    wg.add(3);
    int[] plain = new int[1];
    Runner waiter = Runner.run(kind, "waiter", wg::await);
    waiter.awaitParked();

    wg.done();
    wg.done();
    assertThat(waiter.thread.isAlive()).isTrue();
    plain[0] = 42;
    wg.done();

    assertThat(waiter.join()).isNull();
    assertThat(plain[0]).isEqualTo(42);
    assertThat(wg.count()).isZero();
    wg.await(); // zero: returns at once
    assertThat(wg.await(Duration.ZERO)).isTrue();
  }

  @Test
  void waitGroupBelowZeroIsRefusedAndChangesNothing() {
    WaitGroup wg = new WaitGroup();
    wg.add(1);
    wg.done();
    assertThatThrownBy(wg::done)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("below zero");
    assertThat(wg.count()).isZero();
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void waitGroupTimedContextAndInterruptedWaits(ThreadKind kind) throws Exception {
    WaitGroup wg = new WaitGroup();
    wg.add(1);
    assertThat(wg.await(Duration.ofMillis(10))).isFalse();

    CancellableContext ctx = Context.background().withCancel();
    Runner ctxWaiter = Runner.run(kind, "ctx-waiter", () -> wg.await(ctx));
    ctxWaiter.awaitParked();
    ctx.cancel();
    assertThat(ctxWaiter.join()).isInstanceOf(CancellationException.class);

    Runner interrupted = Runner.run(kind, "interrupted", wg::await);
    interrupted.awaitParked();
    interrupted.thread.interrupt();
    assertThat(interrupted.join()).isInstanceOf(InterruptedException.class);
    wg.done();
  }

  @Test
  void tickerTicksUntilStoppedAndIsVisibleUntilThen() throws Exception {
    List<Instant> ticks = new ArrayList<>();
    Ticker ticker = Ticker.start(Context.background(), Duration.ofMillis(5));
    assertThat(Tasks.snapshot())
        .anySatisfy(i -> {
          assertThat(i.kind()).isEqualTo(TaskInfo.Kind.TICKER);
          assertThat(i.spawnSite().getFileName()).isEqualTo("WaitGroupTickerTest.java");
        });
    for (Instant t : ticker) {
      ticks.add(t);
      if (ticks.size() == 3) {
        ticker.stop();
      }
    }
    assertThat(ticks).hasSizeBetween(3, 4).isSorted();
    assertThat(ticker.isStopped()).isTrue();
    assertThat(Tasks.snapshot()).noneMatch(i -> i.name().equals(tickerName(ticker)));
    ticker.close(); // idempotent
  }

  private static String tickerName(Ticker t) {
    String s = t.toString();
    return s.substring("Ticker[".length(), s.indexOf(' '));
  }

  @Test
  void tickerStopsWhenItsContextIsDone() {
    CancellableContext ctx = Context.background().withCancel();
    try (Ticker ticker = Ticker.start(ctx, Duration.ofHours(1))) {
      ctx.cancel();
      assertThat(ticker.isStopped()).isTrue();
      assertThat(ticker.iterator().hasNext()).isFalse();
    }
    CancellableContext done = Context.background().withCancel();
    done.cancel();
    assertThat(Ticker.start(done, Duration.ofHours(1)).isStopped()).isTrue();
  }

  @Test
  void slowConsumersDropTicksInsteadOfQueueing() throws Exception {
    Ticker ticker = Ticker.start(Context.background(), Duration.ofMillis(5));
    // Let some 30 periods pass without taking a tick (time passing is what is under test, not an
    // ordering of events), then stop it: what is left to take is what queued meanwhile.
    Thread.sleep(150);
    // Take what queued without waiting, before stopping: a stop discards a waiting tick, so
    // counting after it would prove nothing.
    int queued = 0;
    while (Select.selectOrDefault(() -> false, ticker.onTick(t -> true))) {
      queued++;
      if (queued > 1) {
        break; // more than one waited: the assertion below fails
      }
    }
    ticker.stop();
    assertThat(queued).as("ticks waiting after 30 periods").isLessThanOrEqualTo(1);
  }

  @Test
  void tickerBadInput() {
    assertThatThrownBy(() -> Ticker.start(Context.background(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Ticker.start(null, Duration.ofSeconds(1))).hasMessage("ctx");
  }
}
