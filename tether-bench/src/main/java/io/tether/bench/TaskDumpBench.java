package io.tether.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.tether.Context;
import io.tether.DumpFormat;
import io.tether.Scope;
import io.tether.Tasks;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A dump of 100,000 live tasks: Tether's {@link Tasks#dump} next to the JDK's thread dump of as
 * many raw virtual threads ({@link HotSpotDiagnosticMXBean#dumpThreads} in JSON, what {@code jcmd
 * Thread.dump_to_file -format=json} writes), in the same JVM run.
 *
 * <p>Each state starts its 100,000 tasks (or threads) once per trial, all parked until the trial
 * ends, and checks that they are parked; each operation is one dump of all of them. Tether's dump
 * is a {@code String} in memory; the JDK's is written to a file (it has no other form), which the
 * operation deletes before it starts (untimed: the file is deleted in an invocation teardown).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = TaskDumpBench.FORKS,
    jvmArgsAppend = {ScopeSpawnBench.VIRTUAL_DRIVER, ScopeSpawnBench.XMS, ScopeSpawnBench.XMX})
public class TaskDumpBench {

  /** Forks per benchmark: three, the fewest from which tether-bench/run draws a verdict. */
  static final int FORKS = 3;

  /** Live tasks per dump. */
  static final int TASKS = 100_000;

  /** 100,000 Tether tasks parked in {@code c.await()} in one scope. */
  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class TetherTasks {
    final Thread[] threads = new Thread[TASKS];
    Scope scope;

    @Setup(Level.Trial)
    public void spawn() throws InterruptedException {
      CountDownLatch parked = new CountDownLatch(TASKS);
      scope = Scope.open(Context.background());
      for (int i = 0; i < TASKS; i++) {
        int slot = i;
        scope.go(c -> {
          threads[slot] = Thread.currentThread();
          parked.countDown();
          c.await();
        });
      }
      ScopeCancelBench.awaitAllParked(parked, threads);
      int live = Tasks.snapshot().size();
      if (live < TASKS) {
        throw new IllegalStateException("the registry lists " + live + " entries, not " + TASKS);
      }
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      scope.cancel();
      scope.close();
    }
  }

  /** 100,000 raw virtual threads parked on a flag. */
  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class RawThreads {
    final Thread[] threads = new Thread[TASKS];
    volatile boolean stop;
    Path dir;
    Path file;

    @Setup(Level.Trial)
    public void spawn() throws InterruptedException, IOException {
      dir = Files.createTempDirectory("tether-dump-bench");
      file = dir.resolve("threads.json");
      CountDownLatch parked = new CountDownLatch(TASKS);
      Runnable body =
          () -> {
            parked.countDown();
            while (!stop) {
              LockSupport.park(this);
            }
          };
      for (int i = 0; i < TASKS; i++) {
        threads[i] = Thread.ofVirtual().start(body);
      }
      ScopeCancelBench.awaitAllParked(parked, threads);
    }

    @TearDown(Level.Invocation)
    public void deleteDump() throws IOException {
      if (Files.size(file) < TASKS) {
        throw new IllegalStateException("thread dump too small: " + Files.size(file) + " bytes");
      }
      Files.delete(file);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException, IOException {
      stop = true;
      for (Thread t : threads) {
        LockSupport.unpark(t);
      }
      ScopeCancelBench.joinAll(threads);
      Files.deleteIfExists(file);
      Files.delete(dir);
    }
  }

  @Benchmark
  public String dump100k_tetherGrouped(TetherTasks s) {
    return Tasks.dump(DumpFormat.GROUPED);
  }

  @Benchmark
  public String dump100k_tetherJson(TetherTasks s) {
    return Tasks.dump(DumpFormat.JSON);
  }

  @Benchmark
  public void dump100k_jdkThreadDumpJson(RawThreads s) throws IOException {
    ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
        .dumpThreads(s.file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
  }
}
