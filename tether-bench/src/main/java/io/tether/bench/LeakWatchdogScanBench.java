package io.tether.bench;

import io.tether.Channel;
import io.tether.Context;
import io.tether.Scope;
import io.tether.TaskInfo;
import io.tether.Tasks;
import io.tether.observe.LeakWatchdog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One look of the {@link LeakWatchdog} at 100,000 live tasks (target: under 50 ms), next to its
 * floor, the {@link Tasks#snapshot()} every look starts with, in the same JVM run.
 *
 * <p>The tasks are spawned once per trial from 100 spawn sites' worth of work: half parked in
 * {@code receive(ctx)} on one of 100 channels (so every look probes a channel), half in {@code
 * ctx.await()}. The watchdog's own periodic looks are an hour apart; each operation is one {@link
 * LeakWatchdog#look()} on the benchmark thread. Nothing is reported: the channels' creator (the
 * setup thread) lives, and the tasks' contexts can be cancelled.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = ScopeCancelBench.FORKS,
    jvmArgsAppend = {ScopeSpawnBench.VIRTUAL_DRIVER, ScopeSpawnBench.XMS, ScopeSpawnBench.XMX})
public class LeakWatchdogScanBench {

  /** Live tasks per look. */
  static final int TASKS = 100_000;

  static final int CHANNELS = 100;

  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class Live {
    final Thread[] threads = new Thread[TASKS];
    Scope scope;
    LeakWatchdog dog;

    @Setup(Level.Trial)
    public void spawn() throws InterruptedException {
      CountDownLatch started = new CountDownLatch(TASKS);
      scope = Scope.open(Context.background(), "bench");
      @SuppressWarnings("unchecked")
      Channel<Integer>[] chans = new Channel[CHANNELS];
      for (int i = 0; i < CHANNELS; i++) {
        chans[i] = Channel.unbuffered("ch-" + i);
      }
      for (int i = 0; i < TASKS; i++) {
        int slot = i;
        if (i % 2 == 0) {
          Channel<Integer> ch = chans[i % CHANNELS];
          scope.go(
              "receiver-" + i,
              c -> {
                threads[slot] = Thread.currentThread();
                started.countDown();
                ch.receive(c);
              });
        } else {
          scope.go(
              "waiter-" + i,
              c -> {
                threads[slot] = Thread.currentThread();
                started.countDown();
                c.await();
              });
        }
      }
      ScopeCancelBench.awaitAllParked(started, threads);
      int parked = 0;
      for (TaskInfo t : Tasks.snapshot()) {
        if (t.waitReason() != null) {
          parked++;
        }
      }
      if (parked < TASKS) {
        throw new IllegalStateException(parked + " tasks parked in a Tether wait, not " + TASKS);
      }
      dog =
          LeakWatchdog.start(
              Context.background(), LeakWatchdog.Options.defaults().period(Duration.ofHours(1)));
      dog.look(); // the first sight of every wait
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      dog.close();
      if (!dog.reports().isEmpty()) {
        throw new IllegalStateException("a healthy registry was reported: " + dog.reports());
      }
      scope.cancel();
      scope.close();
    }
  }

  @Benchmark
  public List<LeakWatchdog.Report> look100k_watchdog(Live s) {
    return s.dog.look();
  }

  @Benchmark
  public List<TaskInfo> look100k_snapshotFloor(Live s) {
    return Tasks.snapshot();
  }
}
