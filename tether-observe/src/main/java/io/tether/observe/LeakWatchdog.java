package io.tether.observe;

import io.tether.Context;
import io.tether.LeakShapes;
import io.tether.Service;
import io.tether.StopReport;
import io.tether.TaskEvents;
import io.tether.TaskInfo;
import io.tether.Tasks;
import io.tether.WaitProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A production leak watchdog: looks at the task registry every period and reports the leaks it can
 * prove, in the same shapes and words as the test-time leak check ({@code tether-junit}; both use
 * the core's {@link LeakShapes}).
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * try (LeakWatchdog dog = LeakWatchdog.start(ctx, LeakWatchdog.Options.defaults())) {
 *   runTheService(ctx);       // reports go to System.Logger, JFR, the metrics, the debug page
 * }                           // close(): stops the watchdog and waits for it
 * }</pre>
 *
 * <h2>What it reports</h2>
 *
 * <ul>
 *   <li><b>Stuck waits.</b> A task parked in one and the same Tether wait for at least the {@link
 *       Options#threshold threshold}, as seen by two of its looks, that can no longer complete:
 *       <ul>
 *         <li>{@code chan receive} ({@code RECEIVE_BLOCKED}) or {@code chan send} ({@code
 *             SEND_BLOCKED}) on a channel that completed no operation at all over the threshold,
 *             with nobody queued on the other side, and whose creator and last thread seen on the
 *             other side have both ended (a creator waiting on its own channel counts as alive: it
 *             handed the channel to someone);
 *         <li>{@code ctx.await} without a timeout on a context that nothing can ever cancel (no
 *             {@code withCancel}, timeout or deadline above it): only an interrupt ends it.
 *       </ul>
 *   <li><b>Growth.</b> Per spawn site, live tasks rising at every one of {@link
 *       Options#growthWindows K} consecutive looks: the site, the count, the rate, and the oldest
 *       task there.
 * </ul>
 *
 * Each report is logged (a {@link System.Logger} named {@code io.tether.observe.LeakWatchdog},
 * level WARNING), goes through {@link TaskEvents#reportLeak} (the JFR event {@code
 * io.tether.LeakSuspected} and every listener: the Micrometer binder counts it), and is kept for
 * {@link #reports()} and the debug page ({@code /debug/tether/leaks}). A stuck wait is reported
 * once per wait, at most a threshold plus two periods after it began (the first look that sees it
 * starts its clock); a growing site once per rising run.
 *
 * <h2>What it cannot see (precision before recall)</h2>
 *
 * It reports nothing it cannot back with the registry's facts, so a busy but healthy service, or an
 * idle one whose channels' owners are alive, yields no report. It cannot see references: a channel
 * whose creator and last counterpart ended may still be held by a thread that has not used it yet,
 * which would then be a false report (raise the threshold above the longest pause such a channel
 * has). It does not report: waits in a {@code select}, a join or a wait group; JDK waits (locks,
 * queues, sleeps) and busy loops, which the registry cannot tell from work; raw threads; a wait on
 * a context that <em>can</em> be cancelled but never will be; a channel whose creator is still
 * alive (a pool's or a service's channel); growth slower than one task per period, or that pauses
 * for a look.
 *
 * <h2>Exit</h2>
 *
 * The watchdog runs as a {@link Service} named {@code tether-leak-watchdog} on {@code ctx} (shown
 * in the registry and dumps as such): it stops when {@code ctx} is cancelled, or on {@link
 * #close()} / {@link #stop(Duration)}, which wait for it. One never stopped keeps one virtual
 * thread parked between looks and its reports in memory, bounded by {@link Options#keep}. A look
 * never blocks a task: it reads one {@link Tasks#snapshot()} and each task's park blocker.
 *
 * <h2>Memory consistency effects</h2>
 *
 * A look reads racy hints (see {@link WaitProbe}); it reports only what stayed the same between two
 * looks at least the threshold apart. Actions of a look happen-before {@link #reports()} returns
 * what it reported.
 */
public final class LeakWatchdog implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LeakWatchdog.class.getName());

  /** The watchdogs running now: the debug page shows their reports. */
  static final Set<LeakWatchdog> RUNNING = ConcurrentHashMap.newKeySet();

  /** Which kind of leak a report is. */
  public enum Kind {
    /** A task parked in a wait that can no longer complete. */
    STUCK_WAIT,
    /** A spawn site whose live tasks kept rising. */
    GROWTH
  }

  /**
   * One suspected leak.
   *
   * @param kind a stuck wait or growth
   * @param shape its shape, as the leak check names it
   * @param task the stuck task; for growth, the oldest live task of the site
   * @param description one line: what, where, since when (for growth: count, rise, rate)
   * @param fix what to change, in one line
   * @param at when it was reported
   */
  public record Report(
      Kind kind,
      LeakShapes.Shape shape,
      TaskInfo task,
      String description,
      String fix,
      Instant at) {
    /** Checks the arguments. */
    public Report {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(shape, "shape");
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(fix, "fix");
      Objects.requireNonNull(at, "at");
    }

    /** {@code RECEIVE_BLOCKED: task 'consumer' ... fix: ...}. */
    @Override
    public String toString() {
      return shape + ": " + description + "; fix: " + fix;
    }
  }

  /**
   * How the watchdog looks: a closed, immutable set of options; each {@code with} method returns a
   * copy.
   *
   * <pre>{@code
   * LeakWatchdog.Options.defaults().period(Duration.ofSeconds(30)).threshold(Duration.ofMinutes(5))
   * }</pre>
   */
  public static final class Options {
    final Duration period;
    final Duration threshold;
    final int growthWindows;
    final int keep;
    final LongSupplier nanos;

    private Options(
        Duration period, Duration threshold, int growthWindows, int keep, LongSupplier nanos) {
      this.period = period;
      this.threshold = threshold;
      this.growthWindows = growthWindows;
      this.keep = keep;
      this.nanos = nanos;
    }

    /**
     * A look every 30 s; a wait stuck for 5 minutes; growth over 10 looks; the last 100 reports
     * kept; the system's {@link System#nanoTime()} clock.
     */
    public static Options defaults() {
      return new Options(Duration.ofSeconds(30), Duration.ofMinutes(5), 10, 100, System::nanoTime);
    }

    /**
     * How often to look; also the growth window.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Options period(Duration period) {
      return new Options(positive(period, "period"), threshold, growthWindows, keep, nanos);
    }

    /**
     * How long a wait must stay without progress before it is reported.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Options threshold(Duration threshold) {
      return new Options(period, positive(threshold, "threshold"), growthWindows, keep, nanos);
    }

    /**
     * How many consecutive looks a spawn site's live count must rise at to be reported (K).
     *
     * @throws IllegalArgumentException if less than 2
     */
    public Options growthWindows(int k) {
      if (k < 2) {
        throw new IllegalArgumentException("growthWindows must be at least 2, not " + k);
      }
      return new Options(period, threshold, k, keep, nanos);
    }

    /**
     * How many recent reports {@link LeakWatchdog#reports()} keeps.
     *
     * @throws IllegalArgumentException if less than 1
     */
    public Options keep(int reports) {
      if (reports < 1) {
        throw new IllegalArgumentException("keep must be at least 1, not " + reports);
      }
      return new Options(period, threshold, growthWindows, reports, nanos);
    }

    /**
     * The clock the threshold and rates are measured on, in nanoseconds ({@link System#nanoTime()}
     * by default): tests pass a hand-driven one and call {@link LeakWatchdog#look()}. The period
     * between looks always runs on real time.
     *
     * @throws NullPointerException if {@code nanos} is null
     */
    public Options clock(LongSupplier nanos) {
      return new Options(
          period, threshold, growthWindows, keep, Objects.requireNonNull(nanos, "nanos"));
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, not " + d);
      }
      return d;
    }

    @Override
    public String toString() {
      return "LeakWatchdog.Options[period "
          + period
          + ", threshold "
          + threshold
          + ", growth over "
          + growthWindows
          + " looks, keep "
          + keep
          + "]";
    }
  }

  /**
   * Starts a watchdog on {@code ctx}: its first look is one period from now. Returns at once; close
   * it (or cancel {@code ctx}) to stop it.
   *
   * @throws NullPointerException if an argument is null
   */
  public static LeakWatchdog start(Context ctx, Options options) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(options, "options");
    LeakWatchdog dog = new LeakWatchdog(options);
    RUNNING.add(dog);
    try {
      dog.service = Service.start(ctx, "tether-leak-watchdog", dog::run);
    } catch (RuntimeException | Error e) {
      RUNNING.remove(dog);
      throw e;
    }
    return dog;
  }

  private final Options options;
  private volatile Service service; // set once, by start, before anyone else can see this

  // ---- guarded by this: one look at a time ----
  /** Per task id: the wait it was first seen in without progress. */
  private final Map<Long, Seen> seen = new HashMap<>();

  /** Per spawn site: its rising run. */
  private final Map<StackTraceElement, Growth> growth = new HashMap<>();

  private final ArrayDeque<Report> recent = new ArrayDeque<>();

  private LeakWatchdog(Options options) {
    this.options = options;
  }

  private long looks; // how many looks so far

  /**
   * One wait of one task: as first seen, whether it was reported, and the last look that saw it.
   */
  private static final class Seen {
    long sinceNanos;
    long progress;
    long firstNanos;
    boolean reported;
    long look;

    void reset(WaitProbe p, long now) {
      sinceNanos = p.sinceNanos();
      progress = p.progress();
      firstNanos = now;
      reported = false;
    }
  }

  /** A spawn site's live count at the last look, its rising run, and whether it was reported. */
  private static final class Growth {
    int last;
    int run; // consecutive looks at which the count rose
    int runStart; // the count before the run
    long runStartNanos;
    long lastNanos;
    boolean reported;
  }

  private void run(Context c) throws InterruptedException {
    try {
      while (!c.await(options.period)) {
        look();
      }
    } finally {
      RUNNING.remove(this);
    }
  }

  /**
   * Looks once, now, on the calling thread, and returns what this look reported (also sent to every
   * sink). The periodic looks call this; tools and tests may call it between them.
   */
  public List<Report> look() {
    List<Report> out = new ArrayList<>();
    synchronized (this) {
      long now = options.nanos.getAsLong();
      long thresholdNanos = options.threshold.toNanos();
      long look = ++looks;
      Map<StackTraceElement, Site> sites = new HashMap<>();
      for (TaskInfo t : Tasks.snapshot()) {
        if (t.kind() != TaskInfo.Kind.TASK || t.thread() == null) {
          continue;
        }
        StackTraceElement site = t.spawnSite();
        if (site != null) {
          Site c = sites.get(site);
          if (c == null) {
            sites.put(site, new Site(t));
          } else {
            c.count++;
            if (t.age().compareTo(c.oldest.age()) > 0) {
              c.oldest = t;
            }
          }
        }
        if (!followed(t.waitReason())) {
          continue;
        }
        WaitProbe p = WaitProbe.of(t.thread()).orElse(null);
        if (p == null || !followed(p.reason())) {
          continue;
        }
        Seen s = seen.get(t.id());
        if (s == null) {
          seen.put(t.id(), s = new Seen());
          s.reset(p, now);
        } else if (s.sinceNanos != p.sinceNanos() || s.progress != p.progress()) {
          s.reset(p, now);
        } else if (!s.reported && now - s.firstNanos >= thresholdNanos && cannotComplete(p)) {
          out.add(stuck(t, p, Duration.ofNanos(now - s.firstNanos)));
          s.reported = true;
        }
        s.look = look;
      }
      seen.values().removeIf(s -> s.look != look);
      growth.keySet().retainAll(sites.keySet());
      sites.forEach((site, c) -> {
        Report r = grew(site, c.count, c.oldest, now);
        if (r != null) {
          out.add(r);
        }
      });
      for (Report r : out) {
        recent.addLast(r);
        if (recent.size() > options.keep) {
          recent.removeFirst();
        }
      }
    }
    for (Report r : out) {
      // No message parameters: the text is full of quotes, which a MessageFormat would eat.
      LOG.log(System.Logger.Level.WARNING, () -> "suspected leak: " + r);
      TaskEvents.reportLeak(r.task(), r.shape().name(), r.description() + "; fix: " + r.fix());
    }
    return out;
  }

  /** A spawn site's live tasks at one look. */
  private static final class Site {
    int count = 1;
    TaskInfo oldest;

    Site(TaskInfo first) {
      oldest = first;
    }
  }

  /** The waits a look follows: the ones it may be able to prove stuck. */
  private static boolean followed(String reason) {
    return reason != null
        && (reason.equals("chan receive")
            || reason.equals("chan send")
            || reason.equals("ctx.await"));
  }

  private static boolean cannotComplete(WaitProbe p) {
    if (p.progress() >= 0) {
      return !p.counterpartQueued() && p.counterpartsEnded();
    }
    return p.neverEnds();
  }

  private Report stuck(TaskInfo t, WaitProbe p, Duration stuckFor) {
    LeakShapes.Shape shape =
        LeakShapes.ofWait(p.reason(), p.target()).orElse(LeakShapes.Shape.UNKNOWN);
    String why =
        p.progress() >= 0
            ? "the channel completed no operation meanwhile, and its creator and last "
                + (p.reason().equals("chan send") ? "receiver" : "sender")
                + " have ended"
            : "nothing can cancel that context";
    String d =
        "task '"
            + t.name()
            + "' ("
            + t.path()
            + ") parked in "
            + p.reason()
            + " on "
            + p.target()
            + " for at least "
            + human(stuckFor)
            + ": "
            + why
            + (t.spawnSite() == null ? "" : "; spawned at " + t.spawnSite());
    return new Report(
        Kind.STUCK_WAIT,
        shape,
        t,
        d,
        LeakShapes.waitFix(shape, p.reason(), p.target()),
        Instant.now());
  }

  private Report grew(StackTraceElement site, int n, TaskInfo oldest, long now) {
    Growth g = growth.get(site);
    if (g == null) {
      g = new Growth();
      g.last = n;
      g.runStart = n;
      g.runStartNanos = now;
      g.lastNanos = now;
      growth.put(site, g);
      return null;
    }
    if (n > g.last) {
      if (g.run == 0) {
        g.runStart = g.last;
        g.runStartNanos = g.lastNanos;
      }
      g.run++;
    } else {
      g.run = 0;
      g.reported = false;
    }
    g.last = n;
    g.lastNanos = now;
    if (g.run < options.growthWindows || g.reported || oldest == null) {
      return null;
    }
    g.reported = true;
    double minutes = Math.max(1, now - g.runStartNanos) / 60e9;
    double rate = (n - g.runStart) / minutes;
    LeakShapes.Shape shape =
        LeakShapes.ofWait(oldest.waitReason(), oldest.waitTarget())
            .orElse(LeakShapes.Shape.UNKNOWN);
    String d =
        "growth: "
            + n
            + " live tasks spawned at "
            + site
            + ", up from "
            + g.runStart
            + " over "
            + g.run
            + " looks in a row ("
            + String.format(java.util.Locale.ROOT, "%.1f", rate)
            + " per minute); oldest: "
            + oldest;
    String fix =
        "find what ends the tasks spawned at "
            + site
            + " and why it does not: "
            + (shape == LeakShapes.Shape.UNKNOWN
                ? "give each one an owner that cancels and joins it (a Scope closed with"
                    + " try-with-resources), or a deadline (ctx.withTimeout)"
                : LeakShapes.waitFix(shape, oldest.waitReason(), oldest.waitTarget()));
    return new Report(Kind.GROWTH, shape, oldest, d, fix, Instant.now());
  }

  /** The reports of the latest looks, oldest first, at most {@link Options#keep} of them. */
  public synchronized List<Report> reports() {
    return List.copyOf(recent);
  }

  /**
   * The debug page's data ({@code /debug/tether/leaks}): how many watchdogs run, and the reports
   * each keeps, oldest first.
   */
  static Map<String, Object> view() {
    List<Map<String, Object>> leaks = new ArrayList<>();
    int n = 0;
    for (LeakWatchdog dog : RUNNING) {
      n++;
      for (Report r : dog.reports()) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("kind", r.kind().name());
        m.put("shape", r.shape().name());
        m.put("id", r.task().id());
        m.put("name", r.task().name());
        m.put("path", r.task().path());
        m.put("spawnSite", r.task().spawnSite() == null ? null : r.task().spawnSite().toString());
        m.put("description", r.description());
        m.put("fix", r.fix());
        m.put("at", r.at().toString());
        leaks.add(m);
      }
    }
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("watchdogs", n);
    out.put("leaks", leaks);
    return out;
  }

  /** The options it runs with. */
  public Options options() {
    return options;
  }

  /**
   * Stops the watchdog and waits at most {@code timeout} for its look in progress, if any, to end.
   *
   * @throws NullPointerException if {@code timeout} is null
   */
  public StopReport stop(Duration timeout) {
    try {
      return service.stop(timeout);
    } finally {
      RUNNING.remove(this);
    }
  }

  /** Stops the watchdog and waits for it (bounded: {@link Service#DEFAULT_STOP_TIMEOUT}). */
  @Override
  public void close() {
    try {
      service.close();
    } finally {
      RUNNING.remove(this);
    }
  }

  /** {@code LeakWatchdog[RUNNING, 2 reports, LeakWatchdog.Options[...]]}. */
  @Override
  public String toString() {
    int n;
    synchronized (this) {
      n = recent.size();
    }
    return "LeakWatchdog[" + service.state() + ", " + n + " reports, " + options + "]";
  }

  static String human(Duration d) {
    long ms = Math.max(0, d.toMillis());
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 120_000) {
      return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    return (ms / 60_000) + " min";
  }
}
