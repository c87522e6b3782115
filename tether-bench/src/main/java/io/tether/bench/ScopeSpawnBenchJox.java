package io.tether.bench;

import com.softwaremill.jox.structured.Scopes;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * jox's structured concurrency ({@code com.softwaremill.jox:structured}) as a peer of {@link
 * ScopeSpawnBench}: same scenarios, same settings, same virtual-thread driver.
 *
 * <p>jox {@code structured} 0.5.0 is built on JDK 25's preview {@code StructuredTaskScope} (its
 * classes are marked as needing preview features), so this class is compiled only by the {@code
 * jdk25-preview} profile of this module, like the {@code *Sts} classes, and its forks run with
 * {@code --enable-preview}.
 *
 * <p>Each operation is one {@code Scopes.supervised} block whose body starts the tasks with {@code
 * forkUser} (a fork the scope waits for before it returns) and returns: the block returns once
 * every task has ended, which is what a Tether scope's {@code join()} + {@code close()} does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = ScopeSpawnBench.FORKS,
    jvmArgsAppend = {
      ScopeSpawnBench.VIRTUAL_DRIVER,
      ScopeSpawnBench.XMS,
      ScopeSpawnBench.XMX,
      ScopeSpawnBenchSts.PREVIEW
    })
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class ScopeSpawnBenchJox {

  static final int BATCH = ScopeSpawnBench.BATCH;

  static final Callable<Void> EMPTY = () -> null;

  @Setup(Level.Trial)
  public void checkDriver() {
    ChannelCrew.checkVirtualDriver();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batch10k_joxSupervised() throws InterruptedException {
    Scopes.supervised(scope -> {
      for (int i = 0; i < BATCH; i++) {
        scope.forkUser(EMPTY);
      }
      return null;
    });
  }

  @Benchmark
  public void single_joxSupervised() throws InterruptedException {
    Scopes.supervised(scope -> {
      scope.forkUser(EMPTY);
      return null;
    });
  }
}
