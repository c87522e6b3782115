package io.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.testing.Runner;
import io.tether.testing.ThreadKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Channel semantics over capacities 0, 1, 2, 16, 1024 and platform and virtual threads. */
class ChannelTest {

  static Stream<Arguments> capacitiesAndThreads() {
    List<Arguments> out = new ArrayList<>();
    for (int cap : new int[] {0, 1, 2, 16, 1024}) {
      for (ThreadKind kind : ThreadKind.values()) {
        out.add(Arguments.of(cap, kind));
      }
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("capacitiesAndThreads")
  void valuesArriveInOrderExactlyOnce(int capacity, ThreadKind kind) throws Exception {
    Channel<Integer> ch = Channel.buffered(capacity);
    int n = 5_000;
    Runner producer =
        Runner.run(
            kind,
            "producer",
            () -> {
              for (int i = 0; i < n; i++) {
                ch.send(i);
              }
              ch.close();
            });
    List<Integer> got = new ArrayList<>();
    for (int v : ch) {
      got.add(v);
    }
    assertThat(producer.join()).isNull();
    assertThat(got).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(got.get(i)).isEqualTo(i);
    }
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void unbufferedSendCompletesOnlyWhenAReceiverTakesTheValue(ThreadKind kind) throws Exception {
    Channel<String> ch = Channel.unbuffered("handoff");
    Runner sender = Runner.run(kind, "sender", () -> ch.send("x"));
    sender.awaitParked();
    assertThat(sender.thread.isAlive()).isTrue();

    assertThat(ch.receive()).isEqualTo("x");

    assertThat(sender.join()).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 16})
  void bufferedSendBlocksOnlyWhenFull(int capacity) throws Exception {
    Channel<Integer> ch = Channel.buffered(capacity);
    for (int i = 0; i < capacity; i++) {
      ch.send(i); // never blocks
    }
    assertThat(ch.trySend(99)).isFalse();
    Runner sender = Runner.run(ThreadKind.VIRTUAL, "sender", () -> ch.send(capacity));
    sender.awaitParked();

    assertThat(ch.receive()).isEqualTo(0);

    assertThat(sender.join()).isNull();
    for (int i = 1; i <= capacity; i++) {
      assertThat(ch.receive()).isEqualTo(i);
    }
    assertThat(ch.tryReceive()).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 16, 1024})
  void closeKeepsBufferedValuesThenReportsClosed(int capacity) throws Exception {
    Channel<Integer> ch = Channel.buffered("jobs", capacity);
    int n = Math.min(capacity, 5);
    for (int i = 0; i < n; i++) {
      ch.send(i);
    }
    ch.close(new IllegalStateException("upstream done"));

    assertThat(ch.isClosed()).isTrue();
    for (int i = 0; i < n; i++) {
      assertThat(ch.receive()).isEqualTo(i);
    }
    assertThatThrownBy(ch::receive)
        .isInstanceOf(ChannelClosedException.class)
        .hasMessageContaining("channel 'jobs' is closed and drained")
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThatThrownBy(ch::tryReceive).isInstanceOf(ChannelClosedException.class);
  }

  @ParameterizedTest
  @MethodSource("capacitiesAndThreads")
  void closeWakesBlockedSendersAndReceivers(int capacity, ThreadKind kind) throws Exception {
    Channel<Integer> full = Channel.buffered("full", capacity);
    for (int i = 0; i < capacity; i++) {
      full.send(i);
    }
    Runner sender = Runner.run(kind, "sender", () -> full.send(-1));
    Channel<Integer> empty = Channel.buffered("empty", capacity);
    Runner receiver = Runner.run(kind, "receiver", empty::receive);
    sender.awaitParked();
    receiver.awaitParked();

    full.close();
    empty.close();

    assertThat(sender.join())
        .isInstanceOf(ChannelClosedException.class)
        .hasMessageContaining("cannot send on channel 'full'")
        .hasMessageContaining("ChannelTest.java");
    assertThat(receiver.join()).isInstanceOf(ChannelClosedException.class);
    for (int i = 0; i < capacity; i++) {
      assertThat(full.receive()).as("buffered before the close: still delivered").isEqualTo(i);
    }
    assertThatThrownBy(full::receive).isInstanceOf(ChannelClosedException.class);
  }

  @Test
  void sendAfterCloseAndSecondCloseNameWhereItWasClosed() {
    Channel<String> ch = Channel.unbuffered("events");
    ch.close();
    assertThatThrownBy(() -> ch.send("late"))
        .isInstanceOf(ChannelClosedException.class)
        .hasMessageContaining("cannot send on channel 'events'")
        .hasMessageContaining("closed at")
        .hasMessageContaining("ChannelTest.java");
    assertThatThrownBy(() -> ch.trySend("late")).isInstanceOf(ChannelClosedException.class);
    assertThatThrownBy(ch::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already closed")
        .hasMessageContaining("ChannelTest.java");
  }

  @Test
  void badInputIsRefused() {
    assertThatThrownBy(() -> Channel.buffered(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    Channel<String> ch = Channel.buffered(1);
    assertThatThrownBy(() -> ch.send(null)).hasMessage("value");
    assertThatThrownBy(() -> ch.trySend(null)).hasMessage("value");
    assertThatThrownBy(() -> ch.send(null, "x")).hasMessage("ctx");
    assertThatThrownBy(() -> ch.close(null)).hasMessage("cause");
    assertThatThrownBy(() -> Channel.buffered(null, 1)).hasMessage("name");
    assertThat(Channel.buffered(0).capacity()).isZero();
  }

  @ParameterizedTest
  @MethodSource("capacitiesAndThreads")
  void interruptedReceiveConsumesNothing(int capacity, ThreadKind kind) throws Exception {
    Channel<Integer> ch = Channel.buffered(capacity);
    Runner receiver = Runner.run(kind, "receiver", ch::receive);
    receiver.awaitParked();

    receiver.thread.interrupt();

    assertThat(receiver.join()).isInstanceOf(InterruptedException.class);
    ch.trySend(7); // buffered, or nobody is waiting any more (unbuffered: false)
    if (capacity > 0) {
      assertThat(ch.receive()).isEqualTo(7);
    } else {
      assertThat(ch.tryReceive()).isNull();
    }
  }

  @ParameterizedTest
  @MethodSource("capacitiesAndThreads")
  void cancelledSendDidNotHappen(int capacity, ThreadKind kind) throws Exception {
    Channel<Integer> ch = Channel.buffered(capacity);
    for (int i = 0; i < capacity; i++) {
      ch.send(i);
    }
    CancellableContext ctx = Context.background().withCancel();
    Runner sender = Runner.run(kind, "sender", () -> ch.send(ctx, -1));
    sender.awaitParked();

    ctx.cancel();

    assertThat(sender.join()).isInstanceOf(CancellationException.class);
    for (int i = 0; i < capacity; i++) {
      assertThat(ch.receive()).isEqualTo(i);
    }
    assertThat(ch.tryReceive()).as("the cancelled value must not arrive").isNull();
  }

  @Test
  void receiveWithADoneContextThrowsItsError() {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    Channel<Integer> ch = Channel.buffered(1);
    assertThatThrownBy(() -> ch.receive(ctx)).isInstanceOf(CancellationException.class);
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void interruptedIterationThrowsCancellationAndKeepsTheStatus(ThreadKind kind) {
    Channel<Integer> ch = Channel.unbuffered();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    Runner loop =
        Runner.run(
            kind,
            "loop",
            () -> {
              try {
                for (int ignored : ch) {
                  // nothing arrives
                }
              } finally {
                stillInterrupted.set(Thread.currentThread().isInterrupted());
              }
            });
    loop.awaitParked();

    loop.thread.interrupt();

    assertThat(loop.join()).isInstanceOf(CancellationException.class);
    assertThat(stillInterrupted.get()).isTrue();
  }

  @Test
  void aBlockedTaskShowsChanReceiveInTheRegistry() throws Exception {
    Channel<String> ch = Channel.unbuffered("inbox");
    try (Scope scope = Scope.open(Context.background(), "chan-reg")) {
      Task<String> t = scope.spawn("reader", c -> ch.receive(c));
      ScopeTest.awaitWaiting(t, "chan receive");
      TaskInfo info =
          Tasks.snapshot().stream().filter(i -> i.id() == t.id()).findFirst().orElseThrow();
      assertThat(info.waitReason()).isEqualTo("chan receive");
      assertThat(info.waitTarget()).isEqualTo("Channel[inbox, unbuffered, open]");
      assertThat(info.waitingSince()).isNotNull();
      scope.cancel(); // receive(ctx) wakes on the cancel without an interrupt
      assertThatThrownBy(t::join).isInstanceOf(CancellationException.class);
    }
  }

  @Test
  void sendHappensBeforeReceive() throws Exception {
    int rounds = 10_000;
    int[] plain = new int[rounds];
    Channel<Integer> ch = Channel.unbuffered();
    Runner producer =
        Runner.run(
            ThreadKind.PLATFORM,
            "producer",
            () -> {
              for (int i = 0; i < rounds; i++) {
                plain[i] = i + 1;
                ch.send(i);
              }
            });
    for (int i = 0; i < rounds; i++) {
      int idx = ch.receive();
      assertThat(plain[idx]).isEqualTo(idx + 1);
    }
    assertThat(producer.join()).isNull();
  }

  @Test
  void toStringShowsNameFillAndState() throws Exception {
    Channel<Integer> ch = Channel.buffered("q", 4);
    ch.send(1);
    assertThat(ch).hasToString("Channel[q, 1/4 buffered, open]");
    ch.close();
    assertThat(ch).hasToString("Channel[q, 1/4 buffered, closed]");
  }
}
