package io.tether.bench;

import io.tether.Channel;
import io.tether.Context;
import io.tether.Scope;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cancel 10,000 tasks parked in a channel receive and wait until every one has exited: Tether's
 * {@code receive(ctx)} on one shared channel and on one channel each, next to the flag+unpark floor
 * and jox's {@code done()} on a shared channel (its receivers get the close as a value), in the
 * same run. Same harness as {@link ScopeCancelBench}: the invocation setup parks every task; the
 * timed region is the cancel and the wait.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = ChannelPingPongBench.FORKS,
    jvmArgsAppend = {ScopeSpawnBench.VIRTUAL_DRIVER, ScopeSpawnBench.XMS, ScopeSpawnBench.XMX})
public class ChannelCancelBench {

  static final int TASKS = 10_000;

  // ---- Tether: receive(ctx) on one shared channel, or on a channel each ----

  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class TetherReceivers {
    /** {@code shared}: every task on one channel; {@code each}: a channel per task. */
    @Param({"shared", "each"})
    String channels;

    final Thread[] threads = new Thread[TASKS];
    Scope scope;

    @Setup(Level.Invocation)
    public void spawn() throws InterruptedException {
      CountDownLatch parked = new CountDownLatch(TASKS);
      Channel<Integer> shared = Channel.unbuffered();
      scope = Scope.open(Context.background());
      for (int i = 0; i < TASKS; i++) {
        int slot = i;
        Channel<Integer> ch = channels.equals("shared") ? shared : Channel.unbuffered();
        scope.go(c -> {
          threads[slot] = Thread.currentThread();
          parked.countDown();
          ch.receive(c);
        });
      }
      ScopeCancelBench.awaitAllParked(parked, threads);
    }

    @TearDown(Level.Invocation)
    public void close() throws InterruptedException {
      scope.close();
      ScopeCancelBench.joinAll(threads);
    }
  }

  @Benchmark
  public void cancel_tetherReceive(TetherReceivers s) throws InterruptedException {
    s.scope.cancel();
    s.scope.join();
  }

  // ---- floor: raw virtual threads parked, woken by a flag and unpark ----

  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class RawPark {
    final Thread[] threads = new Thread[TASKS];
    volatile boolean stop;

    @Setup(Level.Invocation)
    public void spawn() throws InterruptedException {
      stop = false;
      CountDownLatch parked = new CountDownLatch(TASKS);
      Runnable body =
          () -> {
            parked.countDown();
            while (!stop) {
              LockSupport.park();
            }
          };
      for (int i = 0; i < TASKS; i++) {
        threads[i] = Thread.ofVirtual().start(body);
      }
      ScopeCancelBench.awaitAllParked(parked, threads);
    }

    @TearDown(Level.Invocation)
    public void check() {
      ScopeCancelBench.checkAllEnded(threads);
    }
  }

  @Benchmark
  public void cancel_rawPark(RawPark s) throws InterruptedException {
    s.stop = true;
    for (Thread t : s.threads) {
      LockSupport.unpark(t);
    }
    for (Thread t : s.threads) {
      t.join();
    }
  }

  // ---- jox: receivers on one shared channel, ended by done() ----

  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class JoxDone {
    final Thread[] threads = new Thread[TASKS];
    com.softwaremill.jox.Channel<Integer> shared;

    @Setup(Level.Invocation)
    public void spawn() throws InterruptedException {
      CountDownLatch parked = new CountDownLatch(TASKS);
      shared = com.softwaremill.jox.Channel.newRendezvousChannel();
      Runnable body =
          () -> {
            parked.countDown();
            try {
              shared.receiveOrClosed();
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          };
      for (int i = 0; i < TASKS; i++) {
        threads[i] = Thread.ofVirtual().start(body);
      }
      ScopeCancelBench.awaitAllParked(parked, threads);
    }

    @TearDown(Level.Invocation)
    public void check() {
      ScopeCancelBench.checkAllEnded(threads);
    }
  }

  @Benchmark
  public void cancel_joxDone(JoxDone s) throws InterruptedException {
    s.shared.done();
    for (Thread t : s.threads) {
      t.join();
    }
  }
}
