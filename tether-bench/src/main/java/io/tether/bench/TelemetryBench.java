package io.tether.bench;

import io.tether.Context;
import io.tether.Scope;
import io.tether.Task;
import io.tether.TaskEvents;
import io.tether.TaskListener;
import io.tether.Trace;
import io.tether.VoidWork;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What Tether's telemetry costs on its hottest path, spawn + join (batches of 10,000 empty tasks,
 * the {@code ScopeSpawnBench.batch10k_*} workload, score per task), with each consumer of the one
 * core hook off and on, side by side in one run:
 *
 * <ul>
 *   <li>{@code off}: nobody listens (each event site: one volatile read of a null).
 *   <li>{@code traceOn}: a {@link Trace} recording runs (default ring: 262,144 events, so it
 *       overwrites, as a long flight recording does). Target: at most 1.5x {@code off}.
 *   <li>{@code jfrRunningTetherEventsOff}: a JFR recording runs with no event enabled: Tether's JFR
 *       sink is registered and every {@code io.tether.*} event checks {@code isEnabled()} and finds
 *       it off. Target: within noise of {@code off}.
 *   <li>{@code jfrTetherEventsOn}: a JFR recording with {@code tether.jfc} plus TaskStart/TaskEnd,
 *       i.e. every Tether event on (a per-task event twice per task). Reported, no target.
 *   <li>{@code listenerCounters}: a {@link TaskListener} counting starts and ends by outcome in
 *       {@link LongAdder}s, what {@code TetherMetrics} does by default.
 *   <li>{@code rawVirtualThread}: the floor, start + join of raw virtual threads.
 * </ul>
 *
 * Like {@code ScopeSpawnBench}, each fork runs JMH's worker on a virtual thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = ScopeCancelBench.FORKS,
    jvmArgsAppend = {ScopeSpawnBench.VIRTUAL_DRIVER, ScopeSpawnBench.XMS, ScopeSpawnBench.XMX})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class TelemetryBench {

  static final int BATCH = ScopeSpawnBench.BATCH;
  static final VoidWork EMPTY_WORK = c -> {};

  private final Thread[] threads = new Thread[BATCH];

  /** Counters as TetherMetrics keeps them by default. */
  static final class Counters implements TaskListener {
    final LongAdder started = new LongAdder();
    final LongAdder[] ended = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};

    @Override
    public void spawned(Task<?> task) {
      started.increment();
    }

    @Override
    public void ended(Task<?> task, Task.State outcome, long runNanos) {
      ended[outcome.ordinal()].increment();
    }
  }

  private static void batch() throws InterruptedException {
    try (Scope scope = Scope.open(Context.background())) {
      for (int i = 0; i < BATCH; i++) {
        scope.go(EMPTY_WORK);
      }
      scope.join();
    }
  }

  /** The floor. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batch10k_rawVirtualThread() throws InterruptedException {
    Thread[] ts = threads;
    for (int i = 0; i < BATCH; i++) {
      ts[i] = Thread.ofVirtual().start(ScopeSpawnBench.EMPTY);
    }
    for (int i = 0; i < BATCH; i++) {
      ts[i].join();
      ts[i] = null;
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batch10k_off() throws InterruptedException {
    batch();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batch10k_traceOn(TraceOn on) throws InterruptedException {
    batch();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batch10k_jfrRunningTetherEventsOff(JfrEventsOff on) throws InterruptedException {
    batch();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batch10k_jfrTetherEventsOn(JfrEventsOn on) throws InterruptedException {
    batch();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batch10k_listenerCounters(ListenerOn on) throws InterruptedException {
    batch();
  }

  /** A trace recording for the whole trial. */
  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class TraceOn {
    Trace.Recording recording;

    @Setup(Level.Trial)
    public void start() {
      recording = Trace.start();
    }

    @TearDown(Level.Trial)
    public void stop() {
      System.out.println("trace: " + recording.stop());
    }
  }

  /** A JFR recording with nothing enabled: Tether's sink is on, its events are off. */
  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class JfrEventsOff {
    Recording recording;

    @Setup(Level.Trial)
    public void start() {
      recording = new Recording();
      recording.start();
    }

    @TearDown(Level.Trial)
    public void stop() {
      recording.close();
    }
  }

  /** A JFR recording with tether.jfc and the per-task events: every io.tether event on. */
  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class JfrEventsOn {
    Recording recording;

    @Setup(Level.Trial)
    public void start() throws IOException, ParseException {
      try (Reader r =
          new InputStreamReader(
              Objects.requireNonNull(Trace.class.getResourceAsStream("/tether.jfc")),
              StandardCharsets.UTF_8)) {
        recording = new Recording(Configuration.create(r));
      }
      recording.enable("io.tether.TaskStart");
      recording.enable("io.tether.TaskEnd");
      recording.setToDisk(true);
      recording.start();
    }

    @TearDown(Level.Trial)
    public void stop() {
      recording.close();
    }
  }

  /** A counting listener, as TetherMetrics subscribes by default. */
  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class ListenerOn {
    TaskEvents.Subscription subscription;

    @Setup(Level.Trial)
    public void start() {
      subscription = TaskEvents.subscribe(new Counters());
    }

    @TearDown(Level.Trial)
    public void stop() {
      subscription.close();
    }
  }
}
