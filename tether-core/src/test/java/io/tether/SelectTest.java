package io.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.testing.Runner;
import io.tether.testing.ThreadKind;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Select: exactly one clause, fairly chosen, and losers never consume. */
class SelectTest {

  @Test
  void aLosingClauseNeverConsumes() throws Exception {
    Channel<String> a = Channel.buffered("a", 1);
    Channel<String> b = Channel.buffered("b", 1);
    a.send("A");
    b.send("B");

    String got = Select.select(a.onReceive(v -> v), b.onReceive(v -> v));

    Channel<String> loser = got.equals("A") ? b : a;
    assertThat(loser.tryReceive()).isEqualTo(got.equals("A") ? "B" : "A");
    assertThat((got.equals("A") ? a : b).tryReceive()).isNull();
  }

  @Test
  void readyClausesAreChosenFairly() throws Exception {
    Channel<Integer> a = Channel.buffered(1);
    Channel<Integer> b = Channel.buffered(1);
    int rounds = 4_000;
    int fromA = 0;
    for (int i = 0; i < rounds; i++) {
      a.trySend(1); // both stay ready: refill whichever was taken
      b.trySend(2);
      fromA += Select.select(a.onReceive(v -> 1), b.onReceive(v -> 0));
    }
    // A fair coin over 4000 rounds lands in 35%..65% except with negligible probability.
    assertThat(fromA).isBetween(rounds * 35 / 100, rounds * 65 / 100);
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void blocksUntilOneClauseIsReady(ThreadKind kind) throws Exception {
    Channel<String> a = Channel.unbuffered("a");
    Channel<String> b = Channel.unbuffered("b");
    AtomicInteger result = new AtomicInteger();
    Runner selector =
        Runner.run(
            kind,
            "selector",
            () -> result.set(Select.select(a.onReceive(v -> 1), b.onReceive(v -> 2))));
    selector.awaitParked();

    b.send("x"); // completes only because the select took it

    assertThat(selector.join()).isNull();
    assertThat(result.get()).isEqualTo(2);
    assertThat(a.trySend("y")).as("the select left nothing waiting on a").isFalse();
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void sendClauseMeetsAReceiverAndSelectMeetsSelect(ThreadKind kind) throws Exception {
    Channel<Integer> ch = Channel.unbuffered();
    Channel<Integer> neverA = Channel.unbuffered(); // distinct: a select sending on a channel
    Channel<Integer> neverB = Channel.unbuffered(); // makes a receive on it ready
    Runner sender =
        Runner.run(
            kind,
            "sender",
            () -> Select.select(ch.onSend(42, () -> "sent"), neverA.onSend(0, () -> "no")));
    sender.awaitParked();

    int got = Select.select(ch.onReceive(v -> v), neverB.onReceive(v -> -1));

    assertThat(got).isEqualTo(42);
    assertThat(sender.join()).isNull();
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void contextAndTimeoutClauses(ThreadKind kind) throws Exception {
    Channel<Integer> never = Channel.unbuffered();
    CancellableContext ctx = Context.background().withCancel();
    AtomicInteger result = new AtomicInteger();
    Runner selector =
        Runner.run(
            kind,
            "selector",
            () -> result.set(Select.select(never.onReceive(v -> 1), ctx.onDone(() -> 2))));
    selector.awaitParked();
    ctx.cancel();
    assertThat(selector.join()).isNull();
    assertThat(result.get()).isEqualTo(2);

    String timedOut =
        Select.select(
            never.onReceive(v -> "value"),
            Select.onTimeout(Duration.ofMillis(10), () -> "timeout"));
    assertThat(timedOut).isEqualTo("timeout");
    assertThat(never.trySend(1)).as("the select unregistered its receiver").isFalse();
  }

  @Test
  void selectOrDefaultNeverBlocks() {
    Channel<Integer> ch = Channel.unbuffered();
    assertThat(Select.selectOrDefault(() -> "default", ch.onReceive(v -> "value")))
        .isEqualTo("default");
    Channel<Integer> buf = Channel.buffered(1);
    assertThat(Select.selectOrDefault(() -> "default", buf.onSend(1, () -> "sent")))
        .isEqualTo("sent");
    assertThat(Select.selectOrDefault(() -> "default", buf.onSend(2, () -> "sent")))
        .isEqualTo("default");
  }

  @Test
  void closedChannelClauses() throws Exception {
    Channel<Integer> ch = Channel.buffered("done-chan", 1);
    ch.send(1);
    ch.close();
    int first = Select.select(ch.onReceive(v -> v));
    assertThat(first).as("drained first").isEqualTo(1);
    assertThatThrownBy(() -> Select.select(ch.onReceive(v -> v)))
        .isInstanceOf(ChannelClosedException.class)
        .hasMessageContaining("done-chan");
    assertThat(Select.select(ch.onReceiveOrClosed(v -> "value", () -> "closed")))
        .isEqualTo("closed");
    assertThatThrownBy(() -> Select.select(ch.onSend(2, () -> "sent")))
        .isInstanceOf(ChannelClosedException.class);
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void closeWakesASelectWaitingToReceive(ThreadKind kind) {
    Channel<Integer> ch = Channel.unbuffered();
    Channel<Integer> other = Channel.unbuffered();
    AtomicInteger result = new AtomicInteger();
    Runner selector =
        Runner.run(
            kind,
            "selector",
            () ->
                result.set(
                    Select.select(ch.onReceiveOrClosed(v -> 1, () -> 2), other.onReceive(v -> 3))));
    selector.awaitParked();

    ch.close();

    assertThat(selector.join()).isNull();
    assertThat(result.get()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void interruptedSelectTakesNothing(ThreadKind kind) throws Exception {
    Channel<Integer> ch = Channel.buffered(1);
    Runner selector = Runner.run(kind, "selector", () -> Select.select(ch.onReceive(v -> v)));
    selector.awaitParked();

    selector.thread.interrupt();

    assertThat(selector.join()).isInstanceOf(InterruptedException.class);
    ch.send(5);
    assertThat(ch.receive()).isEqualTo(5);
  }

  @Test
  void aSelectingTaskShowsSelectInTheRegistry() throws Exception {
    Channel<Integer> ch = Channel.unbuffered("sel-chan");
    try (Scope scope = Scope.open(Context.background(), "sel-reg")) {
      Task<Integer> t =
          scope.spawn("selector", c -> Select.select(ch.onReceive(v -> v), c.onDone(() -> -1)));
      ScopeTest.awaitWaiting(t, "select");
      TaskInfo info =
          Tasks.snapshot().stream().filter(i -> i.id() == t.id()).findFirst().orElseThrow();
      assertThat(info.waitTarget()).startsWith("select(receive on Channel[sel-chan");
      scope.cancel();
      assertThat(t.join()).isEqualTo(-1);
    }
  }

  @Test
  void badInput() {
    assertThatThrownBy(Select::select).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Select.select((SelectClause<Object>) null)).hasMessage("clauses[0]");
    assertThatThrownBy(() -> Select.onTimeout(null, () -> 1)).hasMessage("timeout");
  }
}
