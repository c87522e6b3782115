package io.tether.bench;

import io.tether.Context;
import io.tether.Scope;
import java.time.Duration;
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
 * Cancel 10,000 or 100,000 parked tasks (the {@code tasks} parameter) and wait until every one has
 * exited: Tether's {@link Scope} next to raw virtual threads (the floors), in the same JVM run. The
 * JDK's {@code StructuredTaskScope} peer is in {@code ScopeCancelBenchSts} (a preview API on JDK
 * 25, compiled only on JDK 25+).
 *
 * <p>Each benchmark has its own {@link State} class. Its {@link Level#Invocation} setup starts the
 * tasks and returns only once every one of them is parked: each counts a latch down right before it
 * parks, and the setup then waits until every thread reports {@link Thread.State#WAITING} or {@link
 * Thread.State#TIMED_WAITING} (a virtual thread reports those only once it is parked and unmounted;
 * in transition it reports {@code RUNNABLE}). The timed region is only the wake-up: cancel (or its
 * raw equivalent) and the wait until all of them have ended. Closing the scope is in the untimed
 * teardown (it has nothing left to wait for).
 *
 * <p><b>Mode.</b> {@link Mode#AverageTime} with an invocation-level setup, rather than {@link
 * Mode#SingleShotTime}: one operation takes milliseconds, so JMH's per-invocation timestamps (tens
 * of nanoseconds) do not matter, and each 1-second iteration averages some tens of operations
 * instead of one, so 5 iterations per fork give a steadier score than dozens of single shots would,
 * in the same wall time. The setup's own time is excluded by JMH.
 *
 * <p>Every benchmark runs on a virtual thread (JMH worker made virtual by {@code
 * -Djmh.executor=VIRTUAL}, checked at setup): the canceller is a virtual thread, as in user code.
 * See {@link ScopeSpawnBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = ScopeCancelBench.FORKS,
    jvmArgsAppend = {ScopeSpawnBench.VIRTUAL_DRIVER, ScopeSpawnBench.XMS, ScopeSpawnBench.XMX})
public class ScopeCancelBench {

  /** Forks per benchmark: three, the fewest from which tether-bench/run draws a verdict. */
  static final int FORKS = 3;

  /** Long enough never to end by itself within a run. */
  static final Duration FOREVER = Duration.ofHours(1);

  /**
   * Waits until every thread has counted {@code parked} down and is parked. A thread counts down
   * right before it parks, so after the latch only the few still on their way are polled.
   */
  static void awaitAllParked(CountDownLatch parked, Thread[] threads) throws InterruptedException {
    if (!Thread.currentThread().isVirtual()) {
      throw new IllegalStateException(
          "the benchmark thread is not virtual: run the fork with "
              + ScopeSpawnBench.VIRTUAL_DRIVER);
    }
    if (!parked.await(1, TimeUnit.MINUTES)) {
      throw new IllegalStateException(parked.getCount() + " tasks never got to park");
    }
    for (Thread t : threads) {
      while (true) {
        Thread.State s = t.getState();
        if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
          break;
        }
        if (s == Thread.State.TERMINATED) {
          throw new IllegalStateException(t + " ended before the cancel");
        }
        Thread.yield();
      }
    }
  }

  /** Fails if any thread is still alive (the timed region must have waited for all). */
  static void checkAllEnded(Thread[] threads) {
    for (Thread t : threads) {
      if (t.isAlive()) {
        throw new IllegalStateException(t + " is still alive after the timed region");
      }
    }
  }

  /**
   * Untimed: lets the task threads finish dying before the next setup. A Tether scope counts a task
   * as ended once its end state is recorded (that is what {@code join()} waits for); its virtual
   * thread then still has to return and terminate, a few instructions later.
   */
  static void joinAll(Thread[] threads) throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
  }

  // ---- Tether: tasks parked in ctx.await(), woken directly by the cancel ----

  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class TetherAwait {
    /** Tasks parked per operation. */
    @Param({"10000", "100000"})
    int tasks;

    Thread[] threads;

    @Setup(Level.Trial)
    public void allocate() {
      threads = new Thread[tasks];
    }

    Scope scope;

    @Setup(Level.Invocation)
    public void spawn() throws InterruptedException {
      CountDownLatch parked = new CountDownLatch(tasks);
      scope = Scope.open(Context.background());
      for (int i = 0; i < tasks; i++) {
        int slot = i;
        scope.go(c -> {
          threads[slot] = Thread.currentThread();
          parked.countDown();
          c.await();
        });
      }
      awaitAllParked(parked, threads);
    }

    @TearDown(Level.Invocation)
    public void close() throws InterruptedException {
      scope.close();
      joinAll(threads);
    }
  }

  @Benchmark
  public void cancel_tetherAwait(TetherAwait s) throws InterruptedException {
    s.scope.cancel();
    s.scope.join();
  }

  // ---- Tether: tasks parked in Thread.sleep, woken by the interrupt the cancel delivers ----

  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class TetherSleep {
    /** Tasks parked per operation. */
    @Param({"10000", "100000"})
    int tasks;

    Thread[] threads;

    @Setup(Level.Trial)
    public void allocate() {
      threads = new Thread[tasks];
    }

    Scope scope;

    @Setup(Level.Invocation)
    public void spawn() throws InterruptedException {
      CountDownLatch parked = new CountDownLatch(tasks);
      scope = Scope.open(Context.background());
      for (int i = 0; i < tasks; i++) {
        int slot = i;
        scope.go(c -> {
          threads[slot] = Thread.currentThread();
          parked.countDown();
          Thread.sleep(FOREVER);
        });
      }
      awaitAllParked(parked, threads);
    }

    @TearDown(Level.Invocation)
    public void close() throws InterruptedException {
      scope.close();
      joinAll(threads);
    }
  }

  @Benchmark
  public void cancel_tetherSleep(TetherSleep s) throws InterruptedException {
    s.scope.cancel();
    s.scope.join();
  }

  // ---- floor: raw virtual threads in LockSupport.park() on a volatile flag ----

  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class RawPark {
    /** Tasks parked per operation. */
    @Param({"10000", "100000"})
    int tasks;

    Thread[] threads;

    @Setup(Level.Trial)
    public void allocate() {
      threads = new Thread[tasks];
    }

    volatile boolean stop;

    @Setup(Level.Invocation)
    public void spawn() throws InterruptedException {
      stop = false;
      CountDownLatch parked = new CountDownLatch(tasks);
      Runnable body =
          () -> {
            parked.countDown();
            while (!stop) {
              LockSupport.park(this);
            }
          };
      for (int i = 0; i < tasks; i++) {
        threads[i] = Thread.ofVirtual().start(body);
      }
      awaitAllParked(parked, threads);
    }

    @TearDown(Level.Invocation)
    public void check() {
      checkAllEnded(threads);
    }
  }

  @Benchmark
  public void cancel_rawPark(RawPark s) throws InterruptedException {
    s.stop = true;
    Thread[] ts = s.threads;
    for (Thread t : ts) {
      LockSupport.unpark(t);
    }
    for (Thread t : ts) {
      t.join();
    }
  }

  // ---- floor: raw virtual threads in Thread.sleep, woken by interrupt() ----

  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class RawSleep {
    /** Tasks parked per operation. */
    @Param({"10000", "100000"})
    int tasks;

    Thread[] threads;

    @Setup(Level.Trial)
    public void allocate() {
      threads = new Thread[tasks];
    }

    @Setup(Level.Invocation)
    public void spawn() throws InterruptedException {
      CountDownLatch parked = new CountDownLatch(tasks);
      Runnable body =
          () -> {
            parked.countDown();
            try {
              Thread.sleep(FOREVER);
            } catch (InterruptedException e) {
              // the cancel: end
            }
          };
      for (int i = 0; i < tasks; i++) {
        threads[i] = Thread.ofVirtual().start(body);
      }
      awaitAllParked(parked, threads);
    }

    @TearDown(Level.Invocation)
    public void check() {
      checkAllEnded(threads);
    }
  }

  @Benchmark
  public void cancel_rawSleep(RawSleep s) throws InterruptedException {
    Thread[] ts = s.threads;
    for (Thread t : ts) {
      t.interrupt();
    }
    for (Thread t : ts) {
      t.join();
    }
  }
}
