package io.tether.junit;

import io.tether.TaskInfo;
import io.tether.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What ran when {@link Leaks#snapshot()} was called; {@link #find()} reports what started since and
 * is still there after the settle window.
 *
 * <p>It sees Tether's tasks, scopes and tickers (from the registry: owner path, spawn site, wait
 * reason and since when), platform threads, and virtual threads started outside Tether ({@code
 * Thread.ofVirtual().start}, virtual-thread executors). See {@link LeakOptions} for the settle
 * window and the ignore rules.
 *
 * <p>A baseline may be checked many times, from any thread; it holds no thread or task alive.
 */
public final class Baseline {
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final LeakOptions options;
  private final Set<Long> tetherIds;
  private final Set<Long> threadIds;
  private final long watermark;

  Baseline(LeakOptions options) {
    this.options = options;
    this.watermark = ThreadViews.probeTid();
    Set<Long> ids = new HashSet<>();
    for (TaskInfo info : Tasks.snapshot()) {
      ids.add(info.id());
    }
    this.tetherIds = ids;
    this.threadIds = ThreadViews.liveIds();
  }

  /** The options this baseline checks with. */
  public LeakOptions options() {
    return options;
  }

  /**
   * The leaks: what started after this baseline and is still there when the settle window ends,
   * minus what the ignore rules exclude. Returns at once, with an empty list, as soon as a look
   * finds nothing; otherwise looks again with capped exponential backoff until the window ends. If
   * interrupted while waiting it stops settling, reports what it sees then, and keeps the interrupt
   * status.
   */
  public List<Leak> find() {
    return find(Blame.NONE);
  }

  /**
   * Throws if {@link #find()} finds anything.
   *
   * @throws LeakError listing every leak, grouped, each with its shape and fix
   */
  public void verifyNone() {
    List<Leak> leaks = find();
    if (!leaks.isEmpty()) {
      throw error(leaks, "the code under check");
    }
  }

  LeakError error(List<Leak> leaks, String subject) {
    return new LeakError(Report.format(leaks, options.settle, subject), leaks);
  }

  List<Leak> find(Blame blame) {
    long start = System.nanoTime();
    long deadline = start + options.settle.toNanos();
    Map<String, Candidate> seen = new LinkedHashMap<>();
    long backoff = TimeUnit.MILLISECONDS.toNanos(1);
    while (true) {
      List<Candidate> now = look(seen, blame);
      if (now.isEmpty()) {
        return List.of();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || Thread.currentThread().isInterrupted()) {
        return diagnose(now, blame, Duration.ofNanos(System.nanoTime() - start));
      }
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(backoff, left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return diagnose(now, blame, Duration.ofNanos(System.nanoTime() - start));
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
    }
  }

  private List<Leak> diagnose(List<Candidate> cs, Blame blame, Duration settled) {
    Instant now = Instant.now();
    List<Leak> out = new ArrayList<>();
    for (Candidate c : cs) {
      blame.reported(c);
      out.add(Diagnosis.diagnose(c, settled, blame.blameFor(c), now));
    }
    return out;
  }

  /** One look: every candidate there now, each updated with what it is doing. */
  private List<Candidate> look(Map<String, Candidate> seen, Blame blame) {
    List<Candidate> out = new ArrayList<>();
    Set<Long> taskThreads = new HashSet<>();
    Thread me = Thread.currentThread();
    long before = System.nanoTime();
    List<TaskInfo> registry = Tasks.snapshot();
    long after = System.nanoTime();
    Set<String> taskPaths = new HashSet<>();
    Map<Long, TaskInfo> byId = new HashMap<>();
    Map<Long, StackTraceElement> bodySites = new HashMap<>();
    for (TaskInfo info : registry) {
      if (info.kind() == TaskInfo.Kind.TASK) {
        taskPaths.add(info.path());
        if (info.spawnSite() != null) {
          bodySites.putIfAbsent(info.ownerId(), info.spawnSite());
        }
      }
      byId.put(info.id(), info);
    }
    // A service or supervisor shows where it was started through its body's task ("run", spawned
    // at the user's start call): lend that site to the component's own entry.
    for (TaskInfo info : registry) {
      if ((info.kind() == TaskInfo.Kind.SERVICE || info.kind() == TaskInfo.Kind.SUPERVISOR)
          && info.spawnSite() == null
          && bodySites.containsKey(info.id())) {
        byId.put(info.id(), withSite(info, bodySites.get(info.id())));
      }
    }
    for (TaskInfo info : registry) {
      Thread t = info.thread();
      if (t != null) {
        taskThreads.add(t.threadId());
      }
      if (tetherIds.contains(info.id()) || t == me) {
        continue;
      }
      if (info.kind() == TaskInfo.Kind.TICKER && info.state().equals("STOPPED")) {
        continue;
      }
      if (info.kind() != TaskInfo.Kind.TASK
          && info.kind() != TaskInfo.Kind.TICKER
          && hasTasks(taskPaths, info.path())) {
        // An open scope, service or supervisor with live tasks: the tasks are reported (or
        // ignored), each naming it as the owner never closed, not it.
        continue;
      }
      Candidate c = seen.computeIfAbsent(Candidate.key(info), Candidate::new);
      c.info = info;
      c.bornLo = before - info.age().toNanos();
      c.bornHi = after - info.age().toNanos();
      c.view = t == null ? null : ThreadView.of(t);
      c.owners = ownersOf(info, byId);
      if (ignored(c) || !blame.keep(c)) {
        continue;
      }
      c.looked();
      out.add(c);
    }
    for (ThreadView v : ThreadViews.newThreads(threadIds, watermark)) {
      if (v.thread == me || taskThreads.contains(v.tid) || !v.alive()) {
        continue;
      }
      if (DefaultIgnores.why(v) != null) {
        continue;
      }
      Candidate c = seen.computeIfAbsent(Candidate.key(v), Candidate::new);
      c.view = v;
      c.tetherWait = tetherWaitOf(v);
      c.dumpWaitReason = tetherWaitInDump(v);
      if (ignored(c) || !blame.keep(c)) {
        continue;
      }
      c.looked();
      out.add(c);
    }
    return out;
  }

  private static TaskInfo withSite(TaskInfo i, StackTraceElement site) {
    return new TaskInfo(
        i.id(),
        i.name(),
        i.kind(),
        i.path(),
        i.state(),
        site,
        i.spawnStack().isEmpty() ? List.of(site) : i.spawnStack(),
        i.waitReason(),
        i.waitTarget(),
        i.waitingSince(),
        i.age(),
        i.thread(),
        i.straggler(),
        i.stack(),
        i.history(),
        i.rootThread(),
        i.ownerId());
  }

  /** The owners of {@code info} in this look, nearest first, by owner id. */
  private static List<TaskInfo> ownersOf(TaskInfo info, Map<Long, TaskInfo> byId) {
    List<TaskInfo> out = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (long id = info.ownerId(); id != 0 && seen.add(id); ) {
      TaskInfo o = byId.get(id);
      if (o == null) {
        break; // ended between the reads
      }
      out.add(o);
      id = o.ownerId();
    }
    return out;
  }

  /**
   * The Tether wait a raw thread is parked in, read from the thread itself; null if none. A thread
   * seen only in a JSON dump has no reachable object: see {@link #tetherWaitInDump}.
   */
  static Tasks.Wait tetherWaitOf(ThreadView v) {
    return v.thread == null ? null : Tasks.waitOf(v.thread).orElse(null);
  }

  /**
   * For a thread seen only in a JSON thread dump and parked on Tether's wait object: the wait's
   * kind, from the Tether method it entered ({@code Channel.send}, {@code Channel.receive}, {@code
   * Select.select}); the dump names neither the channel nor since when. Null if it is not one.
   */
  static String tetherWaitInDump(ThreadView v) {
    if (v.thread != null || !"io.tether.Waits$Wait".equals(v.blockerClass)) {
      return null;
    }
    String found = null;
    for (StackTraceElement f : v.stack()) {
      String c = f.getClassName();
      String m = f.getMethodName();
      if (c.equals("io.tether.Select") && m.startsWith("select")) {
        return "select";
      }
      if (found == null && c.equals("io.tether.Channel")) {
        if (m.equals("send")) {
          found = "chan send";
        } else if (m.equals("receive") || m.equals("hasNext") || m.equals("next")) {
          found = "chan receive";
        }
      }
      if (!c.startsWith("io.tether.") && !Diagnosis.isJdk(f)) {
        break; // only the frames above the user code say what it entered
      }
    }
    return found;
  }

  private static boolean hasTasks(Set<String> taskPaths, String scopePath) {
    String prefix = scopePath + "/";
    for (String p : taskPaths) {
      if (p.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private boolean ignored(Candidate c) {
    LeakOptions o = options;
    if (LeakOptions.anyMatches(o.threadNames, c.name())
        || (c.view != null && LeakOptions.anyMatches(o.threadNames, c.view.name))) {
      return true;
    }
    if (c.info != null && c.info.spawnSite() != null && !o.spawnSites.isEmpty()) {
      StackTraceElement s = c.info.spawnSite();
      if (LeakOptions.anyMatches(o.spawnSites, s.getClassName() + "." + s.getMethodName())) {
        return true;
      }
    }
    if (c.view != null && !(o.topFrames.isEmpty() && o.anyFrames.isEmpty())) {
      List<StackTraceElement> stack = c.view.stack();
      StackTraceElement top = Diagnosis.userFrame(stack);
      if (top != null
          && LeakOptions.anyMatches(o.topFrames, top.getClassName() + "." + top.getMethodName())) {
        return true;
      }
      for (StackTraceElement f : stack) {
        if (LeakOptions.anyMatches(o.anyFrames, f.getClassName() + "." + f.getMethodName())) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "Baseline["
        + tetherIds.size()
        + " Tether entries, "
        + threadIds.size()
        + " threads, "
        + (ThreadViews.fast() ? "thread containers" : "thread groups + JSON dump")
        + ", "
        + options
        + "]";
  }
}
