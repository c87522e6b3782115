package io.tether.bench;

import io.tether.Context;
import io.tether.Scope;
import io.tether.Task;
import io.tether.TaskInfo;
import io.tether.Tasks;
import io.tether.VoidWork;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * Spawn + join: Tether's {@link Scope} next to a raw virtual thread (the floor) and {@link
 * Executors#newVirtualThreadPerTaskExecutor()}, in the same JVM run. The JDK's {@code
 * StructuredTaskScope} peers are in {@code ScopeSpawnBenchSts} (a preview API on JDK 25, compiled
 * only on JDK 25+).
 *
 * <p>Method names are {@code scenario_library} so that JMH lists the peers of a scenario together:
 *
 * <ul>
 *   <li>{@code batch10k_*}: start 10,000 tasks with an empty body and wait for all of them; the
 *       score is per task ({@link OperationsPerInvocation}).
 *   <li>{@code single_*}: one task: open the owner, start one task, wait, close. Per operation.
 *   <li>{@code empty_*}: open the owner, wait, close, with no task: what the owner's own
 *       bookkeeping costs, without the thread start and the park and unpark that dominate {@code
 *       single_*}.
 * </ul>
 *
 * <p><b>Who drives.</b> User code spawns from a virtual thread (a request handler, or a task), so
 * every benchmark here runs on one: each fork is started with {@code -Djmh.executor=VIRTUAL}, which
 * makes JMH's own worker thread a virtual thread, so the measured loop itself runs on a virtual
 * thread with no hand-off per operation. The alternatives were worse: a fresh virtual driver thread
 * per operation adds one virtual-thread start + join to every operation, which would double the
 * {@code single_*} scores of every peer and hide the differences; a long-lived virtual driver fed
 * by the platform JMH thread adds a cross-thread hand-off (unpark + park of both sides) per
 * operation. {@link #checkDriver()} fails the trial if the worker is not virtual. All peers are
 * driven the same way.
 *
 * <p><b>Spawn-site capture.</b> Tether reads {@code -Dtether.spawnSite} once, when its spawn-site
 * class initializes, so {@code off}, {@code caller} and {@code full} need separate forks: the
 * Tether methods come in threes ({@code SitesOff}, {@code SitesCaller}, {@code SitesFull}), each
 * with its own {@link Fork} arguments; the registry's capture cost is the difference between them.
 * {@link #checkDriver()} also checks that a task's recorded spawn site agrees with the fork's mode.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = ScopeSpawnBench.FORKS,
    jvmArgsAppend = {ScopeSpawnBench.VIRTUAL_DRIVER, ScopeSpawnBench.XMS, ScopeSpawnBench.XMX})
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class ScopeSpawnBench {

  /**
   * Forks per benchmark. Three, not one: with the default two carriers, spawn + join of empty tasks
   * is bimodal (see docs/benchmarks.md), and more JVMs sample both modes more evenly.
   */
  static final int FORKS = 3;

  /** Makes JMH's worker, which runs the measured loop, a virtual thread. */
  static final String VIRTUAL_DRIVER = "-Djmh.executor=VIRTUAL";

  static final String XMS = "-Xms2g";
  static final String XMX = "-Xmx2g";
  static final String SITES_OFF = "-Dtether.spawnSite=off";
  static final String SITES_CALLER = "-Dtether.spawnSite=caller";
  static final String SITES_FULL = "-Dtether.spawnSite=full";

  /** Tasks per operation in the {@code batch10k_*} scenario. */
  static final int BATCH = 10_000;

  static final Runnable EMPTY = () -> {};

  /**
   * One lambda, as at a real spawn site: Tether's caller mode caches its frame per lambda class.
   */
  static final VoidWork EMPTY_WORK = c -> {};

  /** The raw floor's handles, reused across operations so that it allocates no array per batch. */
  private final Thread[] threads = new Thread[BATCH];

  @Setup(Level.Trial)
  public void checkDriver() throws InterruptedException {
    if (!Thread.currentThread().isVirtual()) {
      throw new IllegalStateException(
          "the benchmark thread is not virtual: run the fork with " + VIRTUAL_DRIVER);
    }
    checkSpawnSiteMode();
  }

  /** Fails unless a task's recorded spawn site matches {@code -Dtether.spawnSite} of this fork. */
  static void checkSpawnSiteMode() throws InterruptedException {
    String mode = System.getProperty("tether.spawnSite", "caller");
    try (Scope scope = Scope.open(Context.background())) {
      Task<Void> probe = scope.go(c -> c.await());
      TaskInfo info =
          Tasks.snapshot().stream()
              .filter(i -> i.id() == probe.id())
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("probe task not in the registry"));
      boolean recorded = info.spawnSite() != null;
      if (recorded == mode.equals("off")) {
        throw new IllegalStateException(
            "tether.spawnSite=" + mode + " but the probe's spawn site is " + info.spawnSite());
      }
      scope.cancel();
      scope.join();
    }
  }

  // ---- 1. a batch of 10,000 empty tasks, per task ----

  /** The floor: start 10,000 virtual threads, then join each. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batch10k_rawVirtualThread() throws InterruptedException {
    Thread[] ts = threads;
    for (int i = 0; i < BATCH; i++) {
      ts[i] = Thread.ofVirtual().start(EMPTY);
    }
    for (int i = 0; i < BATCH; i++) {
      ts[i].join();
      ts[i] = null;
    }
  }

  /** submit() each, then close(), which waits for all. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batch10k_vtExecutor() {
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < BATCH; i++) {
        ex.submit(EMPTY);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  @Fork(
      value = FORKS,
      jvmArgsAppend = {VIRTUAL_DRIVER, XMS, XMX, SITES_OFF})
  public void batch10k_tetherSitesOff() throws InterruptedException {
    tetherBatch();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  @Fork(
      value = FORKS,
      jvmArgsAppend = {VIRTUAL_DRIVER, XMS, XMX, SITES_CALLER})
  public void batch10k_tetherSitesCaller() throws InterruptedException {
    tetherBatch();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  @Fork(
      value = FORKS,
      jvmArgsAppend = {VIRTUAL_DRIVER, XMS, XMX, SITES_FULL})
  public void batch10k_tetherSitesFull() throws InterruptedException {
    tetherBatch();
  }

  private static void tetherBatch() throws InterruptedException {
    try (Scope scope = Scope.open(Context.background())) {
      for (int i = 0; i < BATCH; i++) {
        scope.go(EMPTY_WORK);
      }
      scope.join();
    }
  }

  // ---- 2. one task, per operation ----

  /** The floor: start one virtual thread and join it. */
  @Benchmark
  public void single_rawVirtualThread() throws InterruptedException {
    Thread.ofVirtual().start(EMPTY).join();
  }

  @Benchmark
  @Fork(
      value = FORKS,
      jvmArgsAppend = {VIRTUAL_DRIVER, XMS, XMX, SITES_OFF})
  public void single_tetherSitesOff() throws InterruptedException {
    tetherSingle();
  }

  @Benchmark
  @Fork(
      value = FORKS,
      jvmArgsAppend = {VIRTUAL_DRIVER, XMS, XMX, SITES_CALLER})
  public void single_tetherSitesCaller() throws InterruptedException {
    tetherSingle();
  }

  @Benchmark
  @Fork(
      value = FORKS,
      jvmArgsAppend = {VIRTUAL_DRIVER, XMS, XMX, SITES_FULL})
  public void single_tetherSitesFull() throws InterruptedException {
    tetherSingle();
  }

  private static void tetherSingle() throws InterruptedException {
    try (Scope scope = Scope.open(Context.background())) {
      scope.go(EMPTY_WORK);
      scope.join();
    }
  }

  // ---- 3. no task: the owner's own bookkeeping ----

  @Benchmark
  @Fork(
      value = FORKS,
      jvmArgsAppend = {VIRTUAL_DRIVER, XMS, XMX, SITES_CALLER})
  public void empty_tether() throws InterruptedException {
    try (Scope scope = Scope.open(Context.background())) {
      scope.join();
    }
  }
}
