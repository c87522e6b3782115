package io.tether.bench;

import io.tether.Context;
import io.tether.Scope;
import io.tether.TaskEvents;
import io.tether.Trace;
import io.tether.VoidWork;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * Telemetry cost on a shared, loaded machine, where JMH's wall-clock scores swing by 2x between
 * forks: spawn + join of batches of 10,000 empty tasks, with each telemetry consumer switched on
 * and off <em>in turn, in one JVM</em> (so slow and fast phases of the machine hit every mode
 * alike), measuring both wall time and the <em>process CPU time</em> per task (which other
 * processes' load disturbs far less). Prints, per mode, the median over rounds and the ratio to
 * {@code off}. Modes: {@code off}, {@code trace} (a {@code Trace} recording), {@code
 * jfrRunningTetherEventsOff} (a JFR recording with nothing enabled), {@code jfrTetherJfc} (JFR with
 * {@code tether.jfc}: no per-task events), {@code jfrTetherEventsOn} (every Tether event, per-task
 * start/end included), {@code listener} (a counting {@code TaskListener}, as TetherMetrics).
 *
 * <pre>{@code
 * java -Djmh.ignoreLock=true -cp tether-bench/target/benchmarks.jar io.tether.bench.TelemetryCost [rounds]
 * java -cp ... io.tether.bench.TelemetryCost --off-only [rounds]   # A/B against an older core jar
 * }</pre>
 *
 * <p>Caveat: once a consumer has been on, the JIT has seen the hook sites taken; the {@code off}
 * rows here are for a JVM in which telemetry was used at some point (the JMH forks of {@code
 * TelemetryBench} measure a JVM in which it never was).
 */
public final class TelemetryCost {
  private TelemetryCost() {}

  static final int BATCH = 10_000;
  static final VoidWork EMPTY = c -> {};

  interface Mode extends AutoCloseable {
    @Override
    void close() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    boolean offOnly = args.length > 0 && args[0].equals("--off-only");
    int rounds = Integer.parseInt(args.length > (offOnly ? 1 : 0) ? args[offOnly ? 1 : 0] : "15");
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    List<String> modes =
        offOnly
            ? List.of("off")
            : List.of(
                "off",
                "trace",
                "jfrRunningTetherEventsOff",
                "jfrTetherJfc",
                "jfrTetherEventsOn",
                "listener");
    for (String m : modes) {
      results.put(m, new ArrayList<>());
    }
    // Warm up every path.
    for (int i = 0; i < 3; i++) {
      for (String m : modes) {
        measure(m, 20);
      }
    }
    for (int r = 0; r < rounds; r++) {
      for (String m : modes) {
        results.get(m).add(measure(m, 20));
      }
    }
    double[] off = medians(results.get("off"));
    System.out.printf(
        Locale.ROOT,
        "%-28s %14s %14s %10s %10s%n",
        "mode",
        "wall ns/task",
        "cpu ns/task",
        "wall/off",
        "cpu/off");
    for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
      double[] med = medians(e.getValue());
      System.out.printf(
          Locale.ROOT,
          "%-28s %14.0f %14.0f %10.2f %10.2f%n",
          e.getKey(),
          med[0],
          med[1],
          med[0] / off[0],
          med[1] / off[1]);
    }
  }

  private static double[] medians(List<double[]> samples) {
    double[] wall = samples.stream().mapToDouble(s -> s[0]).sorted().toArray();
    double[] cpu = samples.stream().mapToDouble(s -> s[1]).sorted().toArray();
    return new double[] {wall[wall.length / 2], cpu[cpu.length / 2]};
  }

  /** {@code batches} batches in mode {@code m}: {wall ns per task, process CPU ns per task}. */
  private static double[] measure(String m, int batches) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (Mode on = start(m)) {
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        try (Scope scope = Scope.open(Context.background())) {
          for (int i = 0; i < BATCH; i++) {
            scope.go(EMPTY);
          }
          scope.join();
        }
      }
      long wall = System.nanoTime() - t0;
      long cpu = os.getProcessCpuTime() - cpu0;
      double tasks = (double) batches * BATCH;
      return new double[] {wall / tasks, cpu / tasks};
    }
  }

  private static Mode start(String m) throws Exception {
    switch (m) {
      case "off":
        return () -> {};
      case "trace":
        Trace.Recording rec = Trace.start();
        return rec::close;
      case "jfrRunningTetherEventsOff":
        {
          Recording r = new Recording();
          r.start();
          return r::close;
        }
      case "jfrTetherJfc":
      case "jfrTetherEventsOn":
        {
          Recording r;
          try (Reader in =
              new InputStreamReader(
                  Objects.requireNonNull(TelemetryCost.class.getResourceAsStream("/tether.jfc")),
                  StandardCharsets.UTF_8)) {
            r = new Recording(Configuration.create(in));
          }
          if (m.equals("jfrTetherEventsOn")) {
            r.enable("io.tether.TaskStart");
            r.enable("io.tether.TaskEnd");
          }
          r.start();
          return r::close;
        }
      case "listener":
        TaskEvents.Subscription s = TaskEvents.subscribe(new TelemetryBench.Counters());
        return s::close;
      default:
        throw new IllegalArgumentException(m + ": not one of " + Arrays.asList("off", "trace"));
    }
  }
}
