package io.tether.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
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
 * The JDK's {@link StructuredTaskScope} peer of {@link ScopeCancelBench}: 10,000 or 100,000
 * subtasks parked in {@code Thread.sleep}, cancelled, and waited for. Same settings, same
 * virtual-thread driver, same "all parked" setup. Compiled only on JDK 25+ (preview API), run with
 * {@code --enable-preview}.
 *
 * <p><b>How it is cancelled.</b> A JDK 25 scope has no public {@code cancel()}: it is cancelled by
 * its joiner (when a subtask completes and the joiner says so), by a timeout, or by {@code close()}
 * before {@code join()} completed (which then throws {@code IllegalStateException} if the owner
 * never joined, so that is not a normal path). The idiomatic way for the owner's side to stop
 * everything is the joiner: the scope is opened with {@link
 * StructuredTaskScope.Joiner#anySuccessfulResultOrThrow()} and, besides the sleepers, holds one
 * trigger subtask parked on a flag. The timed region unparks the trigger; it returns, the joiner
 * cancels the scope (on the trigger's thread, which interrupts all of them), {@code join()}
 * returns, and {@code close()} waits until every subtask thread has terminated. So the score
 * includes one extra wake-up (the trigger's) and the wait for thread termination, which Tether's
 * {@code join()} does not wait for; both are microseconds against a score in milliseconds.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = ScopeCancelBench.FORKS,
    jvmArgsAppend = {
      ScopeSpawnBench.VIRTUAL_DRIVER,
      ScopeSpawnBench.XMS,
      ScopeSpawnBench.XMX,
      ScopeSpawnBenchSts.PREVIEW
    })
@SuppressWarnings("preview") // StructuredTaskScope: compiled and run with --enable-preview
public class ScopeCancelBenchSts {

  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class StsSleep {
    /** Tasks parked per operation. */
    @Param({"10000", "100000"})
    int tasks;

    Thread[] threads;

    @Setup(Level.Trial)
    public void allocate() {
      threads = new Thread[tasks];
    }

    /**
     * The open scope. Typed {@code Object} because javac warns about a preview type in the
     * signature of a member of a JMH state class whatever {@code @SuppressWarnings} says (JMH's
     * annotation processor reads them).
     */
    Object scope;

    volatile boolean release;
    volatile Thread trigger;

    @Setup(Level.Invocation)
    public void fork() throws InterruptedException {
      release = false;
      CountDownLatch parked = new CountDownLatch(tasks);
      CountDownLatch triggerParked = new CountDownLatch(1);
      StructuredTaskScope<Object, Object> scope =
          StructuredTaskScope.open(StructuredTaskScope.Joiner.anySuccessfulResultOrThrow());
      this.scope = scope;
      scope.fork(() -> {
        trigger = Thread.currentThread();
        triggerParked.countDown();
        while (!release) {
          LockSupport.park(this);
        }
        return "cancel";
      });
      for (int i = 0; i < tasks; i++) {
        int slot = i;
        scope.fork(() -> {
          threads[slot] = Thread.currentThread();
          parked.countDown();
          Thread.sleep(ScopeCancelBench.FOREVER);
          return null;
        });
      }
      triggerParked.await();
      ScopeCancelBench.awaitAllParked(parked, threads);
      ScopeCancelBench.awaitAllParked(new CountDownLatch(0), new Thread[] {trigger});
    }

    @TearDown(Level.Invocation)
    public void check() {
      ScopeCancelBench.checkAllEnded(threads);
    }
  }

  @Benchmark
  @SuppressWarnings("unchecked")
  public Object cancel_stsSleep(StsSleep s) throws InterruptedException {
    Object won;
    try (StructuredTaskScope<Object, Object> scope =
        (StructuredTaskScope<Object, Object>) s.scope) {
      s.release = true;
      LockSupport.unpark(s.trigger);
      won = scope.join();
    }
    return won;
  }
}
