package io.tether.bench;

import java.util.concurrent.StructuredTaskScope;
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
 * The JDK's {@link StructuredTaskScope} peers of {@link ScopeSpawnBench}: same scenarios, same
 * settings, same virtual-thread driver. {@code StructuredTaskScope} is a preview API in JDK 25, so
 * this class is compiled only by the {@code jdk25-preview} profile of this module (active on JDK
 * 25+, with {@code --enable-preview}), and its forks run with {@code --enable-preview}.
 *
 * <p>Each operation is {@code open()} (the default joiner, {@code awaitAllSuccessfulOrThrow}), the
 * forks, {@code join()} and {@code close()}: what a Tether scope does in {@code ScopeSpawnBench}.
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
@SuppressWarnings("preview") // StructuredTaskScope: compiled and run with --enable-preview
public class ScopeSpawnBenchSts {

  static final String PREVIEW = "--enable-preview";

  static final int BATCH = ScopeSpawnBench.BATCH;

  static final Runnable EMPTY = ScopeSpawnBench.EMPTY;

  @Setup(Level.Trial)
  public void checkDriver() {
    if (!Thread.currentThread().isVirtual()) {
      throw new IllegalStateException(
          "the benchmark thread is not virtual: run the fork with "
              + ScopeSpawnBench.VIRTUAL_DRIVER);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batch10k_sts() throws InterruptedException {
    try (StructuredTaskScope<Object, Void> scope = StructuredTaskScope.open()) {
      for (int i = 0; i < BATCH; i++) {
        scope.fork(EMPTY);
      }
      scope.join();
    }
  }

  @Benchmark
  public void single_sts() throws InterruptedException {
    try (StructuredTaskScope<Object, Void> scope = StructuredTaskScope.open()) {
      scope.fork(EMPTY);
      scope.join();
    }
  }

  @Benchmark
  public void empty_sts() throws InterruptedException {
    try (StructuredTaskScope<Object, Void> scope = StructuredTaskScope.open()) {
      scope.join();
    }
  }
}
