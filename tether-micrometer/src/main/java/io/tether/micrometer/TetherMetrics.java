package io.tether.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tether.Service;
import io.tether.Task;
import io.tether.TaskEvents;
import io.tether.TaskInfo;
import io.tether.TaskListener;
import io.tether.Tasks;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * Tether's tasks as Micrometer meters: Go's {@code runtime.NumGoroutine()} and more, where "the
 * count climbing indefinitely" is the leak you want to see on a dashboard.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * try (TetherMetrics metrics = TetherMetrics.builder().taskDuration(true).build()) {
 *   metrics.bindTo(registry);
 *   serve(ctx, registry);                    // e.g. registry.scrape() at /metrics
 * }
 * }</pre>
 *
 * <h2>Meters</h2>
 *
 * <table>
 *   <caption>What is measured</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code tether.tasks.live}</td><td>gauge</td><td>{@code kind}, {@code state}</td>
 *       <td>registry entries alive now: {@code kind} is {@code task}, {@code scope}, {@code
 *       service}, {@code supervisor} or {@code ticker}; {@code state} their state, lower case
 *       ({@code running}, {@code open}, {@code closing}, {@code ticking}, the service states),
 *       else {@code other}</td></tr>
 *   <tr><td>{@code tether.tasks.waiting}</td><td>gauge</td><td>{@code reason}</td>
 *       <td>tasks parked now, by wait reason ({@code chan receive}, {@code select}, {@code
 *       ctx.await}, ...; {@code parked} outside Tether, {@code other} otherwise)</td></tr>
 *   <tr><td>{@code tether.tasks.started}</td><td>counter</td><td>({@code owner})</td>
 *       <td>tasks spawned</td></tr>
 *   <tr><td>{@code tether.tasks.ended}</td><td>counter</td><td>{@code outcome} ({@code
 *       owner})</td><td>tasks ended: {@code succeeded}, {@code failed}, {@code cancelled}</td></tr>
 *   <tr><td>{@code tether.task.duration}</td><td>timer, opt-in</td><td>{@code outcome} ({@code
 *       owner})</td><td>spawn to end</td></tr>
 *   <tr><td>{@code tether.stop.stragglers}</td><td>counter</td><td></td>
 *       <td>tasks a bounded stop gave up waiting for</td></tr>
 *   <tr><td>{@code tether.supervisor.restarts}</td><td>counter</td><td></td>
 *       <td>children restarted by supervisors</td></tr>
 *   <tr><td>{@code tether.leaks.suspected}</td><td>counter</td><td>{@code shape}</td>
 *       <td>leaks reported by a watchdog ({@link TaskEvents#reportLeak})</td></tr>
 * </table>
 *
 * <h2>Cardinality</h2>
 *
 * Low by design: no task names or ids in tags. The {@code owner} tag is opt-in ({@link
 * Builder#ownerTag}) and holds only the first segment of the owner path (the top-level scope,
 * service or supervisor: {@code ingest} for {@code ingest/fetch/worker-3}); unnamed top-level
 * owners ({@code scope-17}) share {@code owner=unnamed}. Name your top-level components before
 * turning it on.
 *
 * <h2>Cost</h2>
 *
 * The counters are fed through one {@link TaskEvents} subscription: a few nanoseconds per spawn and
 * end (a {@link LongAdder} increment; a path lookup more with the owner tag, a timer record with
 * durations). The gauges read {@link Tasks#snapshot()} at most once per {@link
 * Builder#snapshotMaxAge} (default 1 s), however many gauges a scrape reads: with 100k live tasks
 * that snapshot takes milliseconds, on the scraping thread.
 *
 * <h2>Exit</h2>
 *
 * {@link #bindTo} subscribes to the core's task events (once, however many registries it is bound
 * to); {@link #close()} unsubscribes. The meters stay registered but stop counting; remove them
 * from the registry if it outlives this binder. A binder never closed keeps its subscription for
 * the life of the JVM, which is the usual case for an application's metrics.
 */
public final class TetherMetrics implements MeterBinder, AutoCloseable {

  /** The Tether wait reasons, each a {@code tether.tasks.waiting} series from the start. */
  static final List<String> WAIT_REASONS =
      List.of(
          "chan send",
          "chan receive",
          "select",
          "ctx.await",
          "task.join",
          "scope.join",
          "scope.close",
          "scope.stop",
          "scope.limit",
          "waitgroup.await",
          "afterDone.join",
          "parked",
          "other");

  private static final Pattern UNNAMED = Pattern.compile("(scope|task)-\\d+");

  private final boolean taskDuration;
  private final boolean ownerTag;
  private final long snapshotMaxAgeNanos;

  private final LongAdder started = new LongAdder();
  private final Map<Task.State, LongAdder> ended = new EnumMap<>(Task.State.class);
  private final LongAdder stragglers = new LongAdder();
  private final LongAdder restarts = new LongAdder();
  private final Map<String, LongAdder> leaks = new ConcurrentHashMap<>();
  private final Map<String, OwnerCounts> byOwner = new ConcurrentHashMap<>();
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

  private TaskEvents.Subscription subscription; // guarded by this
  private boolean closed; // guarded by this

  private Counts counts; // guarded by this: the last snapshot's counts
  private long countedAt; // guarded by this

  /** Default options: no duration timer, no owner tag, snapshots at most once a second. */
  public TetherMetrics() {
    this(new Builder());
  }

  private TetherMetrics(Builder b) {
    this.taskDuration = b.taskDuration;
    this.ownerTag = b.ownerTag;
    this.snapshotMaxAgeNanos = b.snapshotMaxAge.toNanos();
    for (Task.State s : Task.State.values()) {
      if (s != Task.State.RUNNING) {
        ended.put(s, new LongAdder());
      }
    }
  }

  /** Options; {@link Builder#build()} makes the binder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Options for {@link TetherMetrics}; a builder is used once. */
  public static final class Builder {
    private boolean taskDuration;
    private boolean ownerTag;
    private Duration snapshotMaxAge = Duration.ofSeconds(1);

    private Builder() {}

    /** Adds the {@code tether.task.duration} timer (spawn to end, by outcome). Off by default. */
    public Builder taskDuration(boolean on) {
      this.taskDuration = on;
      return this;
    }

    /**
     * Tags the started and ended counters (and the timer) with {@code owner}, the top-level owner's
     * name. Off by default; see the class comment on cardinality.
     */
    public Builder ownerTag(boolean on) {
      this.ownerTag = on;
      return this;
    }

    /**
     * How old the registry snapshot behind the gauges may be (default 1 s); zero takes one per
     * gauge read.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder snapshotMaxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.isNegative()) {
        throw new IllegalArgumentException("snapshotMaxAge(" + maxAge + "): negative");
      }
      this.snapshotMaxAge = maxAge;
      return this;
    }

    public TetherMetrics build() {
      return new TetherMetrics(this);
    }
  }

  /**
   * Registers the meters on {@code registry} and, on the first call, subscribes to the task events.
   * May be called for several registries.
   *
   * @throws IllegalStateException if this binder was closed
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException(this + " is closed; make a new TetherMetrics to bind");
      }
      if (subscription == null) {
        subscription = TaskEvents.subscribe(new Listener());
      }
    }
    registries.add(registry);
    for (TaskInfo.Kind kind : TaskInfo.Kind.values()) {
      for (String state : statesOf(kind)) {
        Gauge.builder("tether.tasks.live", this, m -> m.counts().live(kind, state))
            .description("Tether registry entries alive now, by kind and state")
            .tags("kind", lower(kind.name()), "state", state)
            .register(registry);
      }
    }
    for (String reason : WAIT_REASONS) {
      Gauge.builder("tether.tasks.waiting", this, m -> m.counts().waiting(reason))
          .description("Tether tasks parked now, by wait reason")
          .tags("reason", reason)
          .register(registry);
    }
    if (!ownerTag) {
      FunctionCounter.builder("tether.tasks.started", started, LongAdder::sum)
          .description("Tether tasks spawned")
          .register(registry);
      ended.forEach((state, adder) ->
          FunctionCounter.builder("tether.tasks.ended", adder, LongAdder::sum)
              .description("Tether tasks ended, by outcome")
              .tags("outcome", lower(state.name()))
              .register(registry));
    } else {
      byOwner.forEach((owner, c) -> c.register(registry));
    }
    FunctionCounter.builder("tether.stop.stragglers", stragglers, LongAdder::sum)
        .description("Tether tasks that a bounded stop gave up waiting for")
        .register(registry);
    FunctionCounter.builder("tether.supervisor.restarts", restarts, LongAdder::sum)
        .description("Children restarted by Tether supervisors")
        .register(registry);
    leaks.forEach((shape, adder) -> registerLeak(registry, shape, adder));
  }

  /** Unsubscribes from the task events; the meters stop counting. Idempotent. */
  @Override
  public void close() {
    TaskEvents.Subscription s;
    synchronized (this) {
      closed = true;
      s = subscription;
      subscription = null;
    }
    if (s != null) {
      s.close(); // throws if our own listener ever threw: a bug to see, not to hide
    }
  }

  @Override
  public synchronized String toString() {
    return "TetherMetrics["
        + (closed ? "closed" : subscription != null ? "bound" : "not bound")
        + (taskDuration ? ", task duration" : "")
        + (ownerTag ? ", owner tag" : "")
        + "]";
  }

  // ---- counting events ----

  private final class Listener implements TaskListener {
    @Override
    public void spawned(Task<?> task) {
      if (ownerTag) {
        owner(task).started.increment();
      } else {
        started.increment();
      }
    }

    @Override
    public void ended(Task<?> task, Task.State outcome, long runNanos) {
      String owner = null;
      if (ownerTag) {
        OwnerCounts c = owner(task);
        owner = c.owner;
        c.ended.get(outcome).increment();
      } else {
        ended.get(outcome).increment();
      }
      if (taskDuration) {
        for (MeterRegistry r : registries) {
          Timer.builder("tether.task.duration")
              .description("Tether task run time, spawn to end, by outcome")
              .tags(
                  owner == null
                      ? Tags.of("outcome", lower(outcome.name()))
                      : Tags.of("outcome", lower(outcome.name()), "owner", owner))
              .register(r)
              .record(runNanos, TimeUnit.NANOSECONDS);
        }
      }
    }

    @Override
    public void straggler(Task<?> task) {
      stragglers.increment();
    }

    @Override
    public void restarted(String supervisorPath, String child) {
      restarts.increment();
    }

    @Override
    public void leakSuspected(TaskInfo task, String shape, String description) {
      leaks
          .computeIfAbsent(
              shape,
              k -> {
                LongAdder a = new LongAdder();
                for (MeterRegistry r : registries) {
                  registerLeak(r, k, a);
                }
                return a;
              })
          .increment();
    }

    @Override
    public String toString() {
      return TetherMetrics.this.toString();
    }
  }

  private static void registerLeak(MeterRegistry r, String shape, LongAdder a) {
    FunctionCounter.builder("tether.leaks.suspected", a, LongAdder::sum)
        .description("Leaks reported by a Tether leak watchdog, by shape")
        .tags("shape", shape)
        .register(r);
  }

  /** The counters of one top-level owner (only with the owner tag). */
  private final class OwnerCounts {
    final String owner;
    final LongAdder started = new LongAdder();
    final Map<Task.State, LongAdder> ended = new EnumMap<>(Task.State.class);

    OwnerCounts(String owner) {
      this.owner = owner;
      for (Task.State s : Task.State.values()) {
        if (s != Task.State.RUNNING) {
          ended.put(s, new LongAdder());
        }
      }
    }

    void register(MeterRegistry r) {
      FunctionCounter.builder("tether.tasks.started", started, LongAdder::sum)
          .description("Tether tasks spawned")
          .tags("owner", owner)
          .register(r);
      ended.forEach((state, adder) ->
          FunctionCounter.builder("tether.tasks.ended", adder, LongAdder::sum)
              .description("Tether tasks ended, by outcome")
              .tags("outcome", lower(state.name()), "owner", owner)
              .register(r));
    }
  }

  private OwnerCounts owner(Task<?> task) {
    String owner = topLevelOwner(TaskEvents.path(task));
    OwnerCounts c = byOwner.get(owner);
    if (c == null) {
      c =
          byOwner.computeIfAbsent(
              owner,
              k -> {
                OwnerCounts n = new OwnerCounts(k);
                for (MeterRegistry r : registries) {
                  n.register(r);
                }
                return n;
              });
    }
    return c;
  }

  /**
   * The first segment of an owner path ({@code ingest} for {@code ingest/fetch/worker-3}); {@code
   * unnamed} for an unnamed scope or task ({@code scope-17}).
   */
  static String topLevelOwner(String path) {
    int slash = path.indexOf('/');
    String first = slash < 0 ? path : path.substring(0, slash);
    return first.isEmpty() || UNNAMED.matcher(first).matches() ? "unnamed" : first;
  }

  // ---- gauges ----

  private static List<String> statesOf(TaskInfo.Kind kind) {
    return switch (kind) {
      case TASK -> List.of("running", "other");
      case SCOPE -> List.of("open", "closing", "other");
      case TICKER -> List.of("ticking", "other");
      case SERVICE, SUPERVISOR -> {
        List<String> s = new java.util.ArrayList<>();
        for (Service.State st : Service.State.values()) {
          s.add(lower(st.name()));
        }
        s.add("other");
        yield List.copyOf(s);
      }
    };
  }

  private synchronized Counts counts() {
    long now = System.nanoTime();
    if (counts == null || now - countedAt > snapshotMaxAgeNanos) {
      counts = Counts.of(Tasks.snapshot());
      countedAt = now;
    }
    return counts;
  }

  /** Live entries by kind and state, and parked tasks by reason, from one snapshot. */
  record Counts(Map<String, Integer> live, Map<String, Integer> waiting) {
    static Counts of(List<TaskInfo> snapshot) {
      Map<String, Integer> live = new HashMap<>();
      Map<String, Integer> waiting = new HashMap<>();
      for (TaskInfo t : snapshot) {
        String state = lower(t.state().split(" ", 2)[0]);
        if (!statesOf(t.kind()).contains(state)) {
          state = "other";
        }
        live.merge(t.kind().name() + "/" + state, 1, Integer::sum);
        if (t.kind() == TaskInfo.Kind.TASK && t.waitReason() != null) {
          String reason = WAIT_REASONS.contains(t.waitReason()) ? t.waitReason() : "other";
          waiting.merge(reason, 1, Integer::sum);
        }
      }
      return new Counts(live, waiting);
    }

    double live(TaskInfo.Kind kind, String state) {
      return live.getOrDefault(kind.name() + "/" + state, 0);
    }

    double waiting(String reason) {
      return waiting.getOrDefault(reason, 0);
    }
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
