package io.tether.bench;

import static io.tether.bench.ChannelCrew.BOXES;

import io.tether.Channel;
import io.tether.bench.ChannelCrew.Receiver;
import io.tether.bench.ChannelCrew.Sender;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
 * Buffered, 4 producers and 4 consumers on one channel of capacity {@value #CAPACITY}: Tether's
 * buffered {@link Channel} next to jox's buffered channel, {@link ArrayBlockingQueue} and {@link
 * LinkedBlockingQueue} (bounded to the same capacity), in the same JVM run. Issue 16's target is
 * "at least the better of the two JDK queues, in every fork" (see {@link ChannelSpscBench}).
 *
 * <p>One operation: each producer sends its own {@value #PER_THREAD} distinct values, each consumer
 * receives exactly {@value #PER_THREAD}; so {@value #VALUES} values in all. Each consumer checks
 * that the values it gets from any one producer come in that producer's order, and adds up the
 * values and their squares; the operation fails unless the totals over all consumers are those of
 * the values sent (so none was lost or duplicated). The score is values per microsecond, that is
 * millions of values per second ({@link OperationsPerInvocation}).
 *
 * <p><b>Who drives.</b> The eight are fresh virtual threads per operation, all joined before the
 * operation returns; JMH's worker, a virtual thread ({@code -Djmh.executor=VIRTUAL}, as in {@link
 * ScopeSpawnBench}), starts them and waits. The channel or queue is new per operation. Every peer
 * is driven this way.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = ChannelMpmcBench.FORKS,
    jvmArgsAppend = {ScopeSpawnBench.VIRTUAL_DRIVER, ScopeSpawnBench.XMS, ScopeSpawnBench.XMX})
@State(Scope.Thread)
public class ChannelMpmcBench {

  /** Forks per benchmark: five, as tether-bench/run gives the channel groups (one per round). */
  static final int FORKS = 5;

  static final int PRODUCERS = 4;
  static final int CONSUMERS = 4;
  static final int CAPACITY = 64;

  /** Values per operation, over all producers. */
  static final int VALUES = 100_000;

  /** Values each producer sends, and each consumer receives. */
  static final int PER_THREAD = VALUES / PRODUCERS;

  static final long EXPECTED_SUM = (long) VALUES * (VALUES + 1) / 2;
  static final long EXPECTED_SUM_OF_SQUARES = (long) VALUES * (VALUES + 1) * (2L * VALUES + 1) / 6;

  /** What the consumers saw, in one operation: per consumer, the sum and the sum of squares. */
  private final long[] sums = new long[CONSUMERS];

  private final long[] squares = new long[CONSUMERS];

  @Setup(Level.Trial)
  public void checkDriver() {
    ChannelCrew.checkVirtualDriver();
    if (VALUES % PRODUCERS != 0 || VALUES % CONSUMERS != 0 || PRODUCERS != CONSUMERS) {
      throw new IllegalStateException("values do not split evenly");
    }
  }

  @TearDown(Level.Iteration)
  public void checkNoThreadLeft() {
    ChannelCrew.checkNoneLive();
  }

  @Benchmark
  @OperationsPerInvocation(VALUES)
  public void mpmc4x4_tether() throws Exception {
    Channel<Integer> ch = Channel.buffered(CAPACITY);
    run(ch::send, ch::receive);
  }

  @Benchmark
  @OperationsPerInvocation(VALUES)
  public void mpmc4x4_jox() throws Exception {
    com.softwaremill.jox.Channel<Integer> ch =
        com.softwaremill.jox.Channel.newBufferedChannel(CAPACITY);
    run(ch::send, ch::receive);
  }

  @Benchmark
  @OperationsPerInvocation(VALUES)
  public void mpmc4x4_arrayBlockingQueue() throws Exception {
    ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(CAPACITY);
    run(q::put, q::take);
  }

  @Benchmark
  @OperationsPerInvocation(VALUES)
  public void mpmc4x4_linkedBlockingQueue() throws Exception {
    LinkedBlockingQueue<Integer> q = new LinkedBlockingQueue<>(CAPACITY);
    run(q::put, q::take);
  }

  /** The same driver for every peer (see {@link ChannelCrew.Sender} on the indirection). */
  private void run(Sender sender, Receiver receiver) throws Exception {
    ChannelCrew crew = new ChannelCrew(PRODUCERS + CONSUMERS);
    for (int p = 0; p < PRODUCERS; p++) {
      int from = p * PER_THREAD;
      crew.start(() -> {
        for (int i = from; i < from + PER_THREAD; i++) {
          sender.send(BOXES[i]);
        }
      });
    }
    for (int c = 0; c < CONSUMERS; c++) {
      int me = c;
      crew.start(() -> {
        int[] lastByProducer = new int[PRODUCERS];
        long sum = 0;
        long sumSq = 0;
        for (int i = 0; i < PER_THREAD; i++) {
          int v = receiver.receive();
          int p = (v - 1) / PER_THREAD;
          if (v <= lastByProducer[p]) {
            throw new IllegalStateException(
                "value " + v + " after " + lastByProducer[p] + " from producer " + p);
          }
          lastByProducer[p] = v;
          sum += v;
          sumSq += (long) v * v;
        }
        sums[me] = sum;
        squares[me] = sumSq;
      });
    }
    crew.join();
    long sum = 0;
    long sumSq = 0;
    for (int c = 0; c < CONSUMERS; c++) {
      sum += sums[c];
      sumSq += squares[c];
    }
    if (sum != EXPECTED_SUM || sumSq != EXPECTED_SUM_OF_SQUARES) {
      throw new IllegalStateException(
          "received sum "
              + sum
              + ", sum of squares "
              + sumSq
              + "; sent "
              + EXPECTED_SUM
              + ", "
              + EXPECTED_SUM_OF_SQUARES);
    }
  }
}
