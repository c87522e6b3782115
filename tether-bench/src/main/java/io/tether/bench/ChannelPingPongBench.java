package io.tether.bench;

import static io.tether.bench.ChannelCrew.BOXES;
import static io.tether.bench.ChannelCrew.expectSame;

import io.tether.Channel;
import io.tether.bench.ChannelCrew.Receiver;
import io.tether.bench.ChannelCrew.Sender;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Unbuffered ping-pong between two virtual threads: Tether's unbuffered {@link Channel} next to
 * jox's rendezvous channel, {@link SynchronousQueue} ({@code put}/{@code take}) and {@link
 * LinkedTransferQueue} ({@code transfer}/{@code take}), in the same JVM run.
 *
 * <p>One round trip: the pinger sends a value on {@code ping}; the echo thread receives it and
 * sends the same object back on {@code pong}; the pinger receives it and checks that it is the very
 * object it sent. The score is nanoseconds per round trip ({@link OperationsPerInvocation}: one
 * operation is {@value #ROUNDS} round trips).
 *
 * <p>{@code stream_*}: the one-way rendezvous stream, with the same peers: one thread sends {@value
 * #ROUNDS} values, the JMH worker receives and checks each; the score is nanoseconds per value.
 *
 * <p><b>Who drives.</b> As in {@link ScopeSpawnBench}: every fork runs with {@code
 * -Djmh.executor=VIRTUAL}, so JMH's worker thread, which runs the measured loop, is a virtual
 * thread; it is the pinger. The echo thread is a fresh virtual thread per operation ({@link
 * ChannelCrew}), joined before the operation returns, so no thread survives an operation; its start
 * and join are amortized over {@value #ROUNDS} round trips. Every peer is driven this way, with the
 * default scheduler (as many carriers as CPUs: 2 on the recorded machine). {@link
 * ChannelPingPongOneCarrierBench} runs the same benchmarks on one carrier.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = ChannelPingPongBench.FORKS,
    jvmArgsAppend = {ScopeSpawnBench.VIRTUAL_DRIVER, ScopeSpawnBench.XMS, ScopeSpawnBench.XMX})
@State(Scope.Thread)
public class ChannelPingPongBench {

  /** Forks per benchmark: five, as tether-bench/run gives the channel groups (one per round). */
  static final int FORKS = 5;

  /** Round trips per operation. */
  static final int ROUNDS = 10_000;

  @Setup(Level.Trial)
  public void checkDriver() {
    ChannelCrew.checkVirtualDriver();
  }

  @TearDown(Level.Iteration)
  public void checkNoThreadLeft() {
    ChannelCrew.checkNoneLive();
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void pingPong_tether() throws Exception {
    Channel<Integer> ping = Channel.unbuffered();
    Channel<Integer> pong = Channel.unbuffered();
    pingPong(ping::send, ping::receive, pong::send, pong::receive);
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void pingPong_jox() throws Exception {
    com.softwaremill.jox.Channel<Integer> ping =
        com.softwaremill.jox.Channel.newRendezvousChannel();
    com.softwaremill.jox.Channel<Integer> pong =
        com.softwaremill.jox.Channel.newRendezvousChannel();
    pingPong(ping::send, ping::receive, pong::send, pong::receive);
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void pingPong_synchronousQueue() throws Exception {
    SynchronousQueue<Integer> ping = new SynchronousQueue<>();
    SynchronousQueue<Integer> pong = new SynchronousQueue<>();
    pingPong(ping::put, ping::take, pong::put, pong::take);
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void pingPong_linkedTransferQueue() throws Exception {
    LinkedTransferQueue<Integer> ping = new LinkedTransferQueue<>();
    LinkedTransferQueue<Integer> pong = new LinkedTransferQueue<>();
    pingPong(ping::transfer, ping::take, pong::transfer, pong::take);
  }

  /**
   * One operation of ping-pong, the same for every peer (see {@link ChannelCrew.Sender} on the
   * indirection): a crew thread echoes each value from {@code ping} to {@code pong}; the calling
   * thread (the JMH worker) sends each value and checks it gets the very object back.
   */
  private static void pingPong(
      Sender pingSend, Receiver pingReceive, Sender pongSend, Receiver pongReceive)
      throws Exception {
    ChannelCrew crew = new ChannelCrew(1);
    crew.start(() -> {
      for (int i = 0; i < ROUNDS; i++) {
        pongSend.send(pingReceive.receive());
      }
    });
    crew.run(() -> {
      for (int i = 0; i < ROUNDS; i++) {
        Integer v = BOXES[i];
        pingSend.send(v);
        expectSame(v, pongReceive.receive());
      }
    });
  }

  // ---- one-way stream: a sender hands ROUNDS values to a receiver, nothing comes back ----

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void stream_tether() throws Exception {
    Channel<Integer> ch = Channel.unbuffered();
    ChannelCrew.oneWay(ROUNDS, ch::send, ch::receive);
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void stream_jox() throws Exception {
    com.softwaremill.jox.Channel<Integer> ch = com.softwaremill.jox.Channel.newRendezvousChannel();
    ChannelCrew.oneWay(ROUNDS, ch::send, ch::receive);
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void stream_synchronousQueue() throws Exception {
    SynchronousQueue<Integer> ch = new SynchronousQueue<>();
    ChannelCrew.oneWay(ROUNDS, ch::put, ch::take);
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void stream_linkedTransferQueue() throws Exception {
    LinkedTransferQueue<Integer> ch = new LinkedTransferQueue<>();
    ChannelCrew.oneWay(ROUNDS, ch::transfer, ch::take);
  }
}
