package io.tether.bench;

import static io.tether.bench.ChannelCrew.BOXES;

import io.tether.Channel;
import io.tether.Select;
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
 * Select over two buffered channels (capacity {@value #CAPACITY}) fed by one producer each:
 * Tether's {@link Select#select} next to jox's {@code Select.select}, in the same JVM run.
 *
 * <p>One operation: producer A sends {@value #PER_PRODUCER} distinct values on channel {@code a},
 * producer B as many others on {@code b}; the consumer runs exactly {@value #VALUES} selects, each
 * receiving one value from whichever channel is ready. It checks that every value from each channel
 * comes in that producer's order with none skipped (so none was lost, duplicated or taken from the
 * wrong channel). The score is nanoseconds per value received ({@link OperationsPerInvocation}).
 *
 * <p>Clauses are made per select, as in idiomatic use of both libraries (Tether: {@code
 * a.onReceive(v -> v)}, with a non-capturing lambda; jox: {@code a.receiveClause()}).
 *
 * <p><b>Who drives.</b> As in {@link ChannelPingPongBench}: JMH's worker is a virtual thread
 * ({@code -Djmh.executor=VIRTUAL}) and is the consumer; the two producers are fresh virtual threads
 * per operation, joined before the operation returns; the channels are new per operation. Both
 * peers are driven this way.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = ChannelSelectBench.FORKS,
    jvmArgsAppend = {ScopeSpawnBench.VIRTUAL_DRIVER, ScopeSpawnBench.XMS, ScopeSpawnBench.XMX})
@State(Scope.Thread)
public class ChannelSelectBench {

  /** Forks per benchmark: five, as tether-bench/run gives the channel groups (one per round). */
  static final int FORKS = 5;

  static final int CAPACITY = 16;

  /** Values each producer sends. */
  static final int PER_PRODUCER = 50_000;

  /** Values (and selects) per operation. */
  static final int VALUES = 2 * PER_PRODUCER;

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
  public void select2_tether() throws Exception {
    Channel<Integer> a = Channel.buffered(CAPACITY);
    Channel<Integer> b = Channel.buffered(CAPACITY);
    ChannelCrew crew = new ChannelCrew(2);
    crew.start(() -> {
      for (int i = 0; i < PER_PRODUCER; i++) {
        a.send(BOXES[i]);
      }
    });
    crew.start(() -> {
      for (int i = PER_PRODUCER; i < VALUES; i++) {
        b.send(BOXES[i]);
      }
    });
    crew.run(() -> {
      Order order = new Order();
      for (int i = 0; i < VALUES; i++) {
        Integer v = Select.select(a.onReceive(x -> x), b.onReceive(x -> x));
        order.check(v);
      }
      order.checkAll();
    });
  }

  @Benchmark
  @OperationsPerInvocation(VALUES)
  public void select2_jox() throws Exception {
    com.softwaremill.jox.Channel<Integer> a =
        com.softwaremill.jox.Channel.newBufferedChannel(CAPACITY);
    com.softwaremill.jox.Channel<Integer> b =
        com.softwaremill.jox.Channel.newBufferedChannel(CAPACITY);
    ChannelCrew crew = new ChannelCrew(2);
    crew.start(() -> {
      for (int i = 0; i < PER_PRODUCER; i++) {
        a.send(BOXES[i]);
      }
    });
    crew.start(() -> {
      for (int i = PER_PRODUCER; i < VALUES; i++) {
        b.send(BOXES[i]);
      }
    });
    crew.run(() -> {
      Order order = new Order();
      for (int i = 0; i < VALUES; i++) {
        Integer v = com.softwaremill.jox.Select.select(a.receiveClause(), b.receiveClause());
        order.check(v);
      }
      order.checkAll();
    });
  }

  /**
   * Channel A carries 1..{@value #PER_PRODUCER}, B the next {@value #PER_PRODUCER}: each must come
   * in order with no gap, so the next value expected from each is known.
   */
  private static final class Order {
    private int nextA = 1;
    private int nextB = PER_PRODUCER + 1;

    void check(Integer boxed) {
      int v = boxed;
      if (v == nextA && v <= PER_PRODUCER) {
        nextA++;
      } else if (v == nextB) {
        nextB++;
      } else {
        throw new IllegalStateException(
            "got " + v + ", expected " + nextA + " (from a) or " + nextB + " (from b)");
      }
    }

    void checkAll() {
      if (nextA != PER_PRODUCER + 1 || nextB != VALUES + 1) {
        throw new IllegalStateException("received up to " + nextA + " and " + nextB);
      }
    }
  }
}
