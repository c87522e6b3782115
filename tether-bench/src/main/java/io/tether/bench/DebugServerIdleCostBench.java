package io.tether.bench;

import io.tether.Context;
import io.tether.Scope;
import io.tether.observe.DebugOptions;
import io.tether.observe.DebugServer;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the application pays for a debug server nobody looks at: spawn + join of 10,000 empty tasks
 * ({@link ScopeSpawnBench}'s {@code batch10k} scenario) with the server running ({@code server=on})
 * and without it ({@code off}), in the same JVM run. The server reads the registry only while it
 * answers a request, so the two should be equal within noise.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = ScopeSpawnBench.FORKS,
    jvmArgsAppend = {ScopeSpawnBench.VIRTUAL_DRIVER, ScopeSpawnBench.XMS, ScopeSpawnBench.XMX})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class DebugServerIdleCostBench {

  @Param({"off", "on"})
  public String server;

  DebugServer running;

  @Setup(Level.Trial)
  public void start() throws Exception {
    if (server.equals("on")) {
      running = DebugServer.start(Context.background(), DebugOptions.defaults().port(0));
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    if (running != null) {
      running.close();
    }
  }

  /** Spawn 10,000 empty tasks into one scope and join them; the score is per task. */
  @Benchmark
  @OperationsPerInvocation(ScopeSpawnBench.BATCH)
  public void batch10k_tether() throws InterruptedException {
    try (Scope scope = Scope.open(Context.background())) {
      for (int i = 0; i < ScopeSpawnBench.BATCH; i++) {
        scope.go(ScopeSpawnBench.EMPTY_WORK);
      }
      scope.join();
    }
  }
}
