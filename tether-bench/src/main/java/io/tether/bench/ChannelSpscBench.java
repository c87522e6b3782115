package io.tether.bench;

import io.tether.Channel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Buffered single producer, single consumer: Tether's buffered {@link Channel} next to jox's
 * buffered channel, {@link ArrayBlockingQueue}, {@link LinkedBlockingQueue} (bounded to the same
 * capacity) and {@link LinkedTransferQueue} ({@code put}/{@code take}), in the same JVM run, with
 * capacity {@link #capacity} 16 and 1024.
 *
 * <p>{@link ArrayBlockingQueue} and {@link LinkedBlockingQueue} are the usual bounded queues of the
 * JDK: one lock for both ends against a lock per end (and a node per value). Issue 16's target is
 * "at least the better of the two, in every fork", so both run here, and the report takes the
 * faster of them in each round.
 *
 * <p><b>{@link LinkedTransferQueue} is unbounded</b>: its {@code put} never waits, so the capacity
 * parameter does not apply to it, and the producer can run ahead of the consumer by up to the whole
 * batch. It is a reference for "no back-pressure", not a like-for-like peer.
 *
 * <p>One operation: a producer sends {@value #VALUES} distinct values, the consumer receives
 * exactly {@value #VALUES} and checks that each is the very object sent at that position (FIFO, no
 * loss, no duplicate). The score is values per microsecond, that is millions of values per second
 * ({@link OperationsPerInvocation}).
 *
 * <p><b>Who drives.</b> As in {@link ChannelPingPongBench}: JMH's worker is a virtual thread
 * ({@code -Djmh.executor=VIRTUAL}) and is the consumer; the producer is a fresh virtual thread per
 * operation, joined before the operation returns. The channel or queue is also new per operation.
 * Every peer is driven this way.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = ChannelSpscBench.FORKS,
    jvmArgsAppend = {ScopeSpawnBench.VIRTUAL_DRIVER, ScopeSpawnBench.XMS, ScopeSpawnBench.XMX})
@State(Scope.Thread)
public class ChannelSpscBench {

  /** Forks per benchmark: five, as tether-bench/run gives the channel groups (one per round). */
  static final int FORKS = 5;

  /** Values per operation. */
  static final int VALUES = 100_000;

  @Param({"16", "1024"})
  public int capacity;

  @Setup(Level.Trial)
  public void checkDriver() {
    ChannelCrew.checkVirtualDriver();
  }

  @TearDown(Level.Iteration)
  public void checkNoThreadLeft() {
    ChannelCrew.checkNoneLive();
  }

  @Benchmark
  @OperationsPerInvocation(VALUES)
  public void spsc_tether() throws Exception {
    Channel<Integer> ch = Channel.buffered(capacity);
    ChannelCrew.oneWay(VALUES, ch::send, ch::receive);
  }

  @Benchmark
  @OperationsPerInvocation(VALUES)
  public void spsc_jox() throws Exception {
    com.softwaremill.jox.Channel<Integer> ch =
        com.softwaremill.jox.Channel.newBufferedChannel(capacity);
    ChannelCrew.oneWay(VALUES, ch::send, ch::receive);
  }

  @Benchmark
  @OperationsPerInvocation(VALUES)
  public void spsc_arrayBlockingQueue() throws Exception {
    ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(capacity);
    ChannelCrew.oneWay(VALUES, q::put, q::take);
  }

  @Benchmark
  @OperationsPerInvocation(VALUES)
  public void spsc_linkedBlockingQueue() throws Exception {
    LinkedBlockingQueue<Integer> q = new LinkedBlockingQueue<>(capacity);
    ChannelCrew.oneWay(VALUES, q::put, q::take);
  }

  /** Unbounded: {@link #capacity} does not apply (see the class comment). */
  @Benchmark
  @OperationsPerInvocation(VALUES)
  public void spsc_linkedTransferQueueUnbounded() throws Exception {
    LinkedTransferQueue<Integer> q = new LinkedTransferQueue<>();
    ChannelCrew.oneWay(VALUES, q::put, q::take);
  }
}
