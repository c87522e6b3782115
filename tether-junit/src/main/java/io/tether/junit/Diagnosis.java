package io.tether.junit;

import io.tether.LeakShapes;
import io.tether.TaskInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Names a leak's shape from what the registry and the thread say: Tether's own wait reasons first
 * ({@code chan send}, {@code chan receive}, {@code select}), then the JDK frame the thread entered
 * to block ({@code SynchronousQueue.put}, {@code LinkedBlockingQueue.take}, {@code
 * ReentrantLock.lock}), then its state (BLOCKED on a monitor; RUNNABLE at every look).
 */
final class Diagnosis {
  private Diagnosis() {}

  /** Classes whose frames are Tether's blocking plumbing, skipped when looking for user code. */
  private static final Set<String> TETHER_PLUMBING =
      Set.of(
          "io.tether.Channel",
          "io.tether.ChanClause",
          "io.tether.ChanWaiter",
          "io.tether.Select",
          "io.tether.Parker",
          "io.tether.Waits",
          "io.tether.AbstractContext",
          "io.tether.CancelNode",
          "io.tether.Scope",
          "io.tether.Task",
          "io.tether.WaitGroup",
          "io.tether.Ticker");

  static boolean isJdk(StackTraceElement f) {
    String c = f.getClassName();
    return c.startsWith("java.")
        || c.startsWith("javax.")
        || c.startsWith("jdk.")
        || c.startsWith("sun.")
        || c.startsWith("com.sun.");
  }

  static boolean isPlumbing(StackTraceElement f) {
    if (isJdk(f)) {
      return true;
    }
    String c = f.getClassName();
    int dollar = c.indexOf('$');
    return TETHER_PLUMBING.contains(dollar < 0 ? c : c.substring(0, dollar));
  }

  /** The topmost frame of application code: where it blocks or spins. Null if there is none. */
  static StackTraceElement userFrame(List<StackTraceElement> stack) {
    for (StackTraceElement f : stack) {
      if (!isPlumbing(f)) {
        return f;
      }
    }
    return null;
  }

  /** The JDK frame application code called to block: the last JDK frame above the user frame. */
  static StackTraceElement jdkEntry(List<StackTraceElement> stack) {
    StackTraceElement entry = null;
    for (StackTraceElement f : stack) {
      if (isJdk(f)) {
        entry = f;
      } else {
        return entry;
      }
    }
    return entry;
  }

  static String shortName(StackTraceElement f) {
    String c = f.getClassName();
    return c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName();
  }

  private static boolean isQueue(String cls) {
    return cls.endsWith("Queue") || cls.endsWith("Deque") || cls.contains("Queue$");
  }

  /** The shape, from the JDK entry frame and the thread's state; null if none fits. */
  private static LeakPattern fromThread(ThreadView v, Candidate c) {
    List<StackTraceElement> stack = v.stack();
    if (v.state == Thread.State.BLOCKED) {
      return LeakPattern.LOCK_WAIT;
    }
    for (StackTraceElement f : stack) {
      String cls = f.getClassName();
      String m = f.getMethodName();
      if (cls.equals("java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue")
          && m.equals("take")) {
        return LeakPattern.TICKER_NOT_STOPPED;
      }
      if (cls.startsWith("java.util.concurrent.locks.")
          && (m.equals("lock")
              || m.equals("lockInterruptibly")
              || m.startsWith("writeLock")
              || m.startsWith("readLock"))) {
        return LeakPattern.LOCK_WAIT;
      }
      if (cls.startsWith("java.util.concurrent.") && isQueue(cls)) {
        if (m.equals("put") || m.equals("offer") || m.equals("transfer") || m.startsWith("put")) {
          return LeakPattern.SEND_BLOCKED;
        }
        if (m.equals("take") || m.equals("poll") || m.startsWith("take")) {
          return LeakPattern.RECEIVE_BLOCKED;
        }
      }
      if (!isJdk(f)) {
        break; // only the JDK frames above the user code say what it blocks in
      }
    }
    if (v.state == Thread.State.RUNNABLE && !c.everParked && c.looks >= 2) {
      StackTraceElement top = stack.isEmpty() ? null : stack.get(0);
      if (top == null || !top.isNativeMethod()) {
        return LeakPattern.BUSY_LOOP;
      }
    }
    return null;
  }

  /** The shape of a Tether wait: the shared diagnosis ({@link LeakShapes#ofWait}). */
  private static LeakPattern fromWait(String reason, String target) {
    return LeakShapes.ofWait(reason, target).map(s -> LeakPattern.valueOf(s.name())).orElse(null);
  }

  static Leak diagnose(Candidate c, Duration settled, String blamedOn, Instant now) {
    TaskInfo info = c.info;
    ThreadView v = c.view;
    List<StackTraceElement> stack = v == null ? List.of() : v.stack();
    LeakPattern pattern = null;
    String doing;
    String parkedOn = null;
    Duration waitingFor = null;
    // The Tether wait: stamped by the registry for a task; read off the thread for a raw one.
    String reason = null;
    String target = null;
    Instant since = null;
    if (info != null) {
      reason = info.waitReason();
      target = info.waitTarget();
      since = info.waitingSince();
    } else if (c.tetherWait != null) {
      reason = c.tetherWait.reason();
      target = c.tetherWait.target();
      since = c.tetherWait.since();
    } else if (c.dumpWaitReason != null) {
      reason = c.dumpWaitReason;
      target = "a Tether channel (a JSON thread dump does not name it)";
    }
    boolean tetherWait = reason != null && !reason.equals("parked");
    if (info != null && info.kind() == TaskInfo.Kind.TICKER) {
      pattern = LeakPattern.TICKER_NOT_STOPPED;
      doing = "still " + info.state().replaceFirst("^TICKING", "ticking") + ", never stopped";
    } else if (info != null && isOwner(info.kind())) {
      pattern = LeakPattern.UNKNOWN;
      doing =
          "still "
              + info.state()
              + (neverClosed(info)
                  ? ": " + opened(info.kind()) + " and never closed"
                  : ": asked to stop, not yet ended");
    } else {
      if (tetherWait) {
        pattern = fromWait(reason, target);
        parkedOn = reason + " on " + target;
        if (since != null) {
          waitingFor = Duration.between(since, now);
        }
      }
      if (pattern == null && v != null) {
        pattern = fromThread(v, c);
      }
      if (parkedOn == null && v != null) {
        StackTraceElement entry = jdkEntry(stack);
        if (v.state == Thread.State.BLOCKED) {
          parkedOn = "synchronized (" + (v.blocker != null ? v.blocker : "a monitor") + ")";
        } else if (v.state != Thread.State.RUNNABLE && entry != null) {
          parkedOn = shortName(entry) + (v.blockerClass == null ? "" : " on " + v.blockerClass);
        }
      }
      if (pattern == null) {
        pattern = LeakPattern.UNKNOWN;
      }
      String howLong =
          waitingFor != null
              ? " for " + human(waitingFor)
              : c.parkedSinceNanos != 0 && c.looks > 1
                  ? " (there at every look for "
                      + human(Duration.ofNanos(System.nanoTime() - c.parkedSinceNanos))
                      + ")"
                  : "";
      doing =
          pattern == LeakPattern.BUSY_LOOP
              ? "runnable for the whole " + human(settled) + " settle window, never parked"
              : parkedOn != null
                  ? (v != null && v.state == Thread.State.BLOCKED ? "blocked in " : "parked in ")
                      + parkedOn
                      + howLong
                  : "still " + (v == null ? "alive" : v.state.toString());
    }
    String kind = info != null ? info.kind().name().toLowerCase(Locale.ROOT) : v.kind();
    StringBuilder d = new StringBuilder();
    d.append(kind).append(" '").append(c.name()).append('\'');
    if (info != null && !info.path().equals(c.name())) {
      d.append(" (").append(info.path()).append(')');
    }
    d.append(' ').append(doing);
    // The owner never closed: the outermost one above it (owners are listed nearest first).
    TaskInfo root = null;
    for (TaskInfo o : c.owners) {
      if (neverClosed(o)) {
        root = o;
      }
    }
    String primitive = primitiveFix(pattern, c, tetherWait ? reason : null, target, stack);
    String fix =
        root == null
            ? primitive
            : closeAdvice(root) + "; and for " + what(c, parkedOn) + " itself: " + primitive;
    return new Leak(
        pattern,
        kind,
        c.name(),
        c.owners.isEmpty() ? null : c.owners.get(0).path(),
        info == null ? null : info.spawnSite(),
        parkedOn,
        waitingFor,
        blamedOn,
        d.toString(),
        stack,
        root == null ? null : describeOwner(root),
        fix);
  }

  private static boolean isOwner(TaskInfo.Kind k) {
    return k == TaskInfo.Kind.SCOPE || k == TaskInfo.Kind.SERVICE || k == TaskInfo.Kind.SUPERVISOR;
  }

  /**
   * Whether an owner entry was never closed: a scope still OPEN (a closed one with live tasks is
   * CLOSING), a service or supervisor still STARTING or RUNNING (not asked to stop).
   */
  static boolean neverClosed(TaskInfo o) {
    return switch (o.kind()) {
      case SCOPE -> o.state().equals("OPEN");
      case SERVICE, SUPERVISOR -> o.state().equals("STARTING") || o.state().equals("RUNNING");
      default -> false;
    };
  }

  private static String opened(TaskInfo.Kind k) {
    return k == TaskInfo.Kind.SCOPE ? "opened" : "started";
  }

  /**
   * {@code scope 'pipeline' (app/pipeline), opened at Ingest.run(Ingest.java:42), never closed}.
   */
  static String describeOwner(TaskInfo o) {
    StringBuilder sb = new StringBuilder();
    sb.append(o.kind().name().toLowerCase(Locale.ROOT)).append(" '").append(o.name()).append('\'');
    if (!o.path().equals(o.name())) {
      sb.append(" (").append(o.path()).append(')');
    }
    sb.append(", ").append(opened(o.kind()));
    if (o.spawnSite() != null) {
      sb.append(" at ").append(o.spawnSite());
    } else {
      sb.append(" at a line not recorded (-Dtether.spawnSite=full records where scopes open)");
    }
    return sb.append(", never closed").toString();
  }

  /** How to close the owner that was never closed. */
  private static String closeAdvice(TaskInfo root) {
    String where =
        root.spawnSite() == null
            ? ""
            : " (" + opened(root.kind()) + " at " + root.spawnSite() + ")";
    String name = root.kind().name().toLowerCase(Locale.ROOT) + " '" + root.name() + "'" + where;
    return switch (root.kind()) {
      case SCOPE ->
          "close "
              + name
              + ": open it with try-with-resources; its close() cancels and joins every task"
              + " under it";
      case SERVICE ->
          "close "
              + name
              + ": start it with try-with-resources (or stop(Duration) it); that cancels its"
              + " body and waits for it";
      case SUPERVISOR ->
          "close "
              + name
              + ": start it with try-with-resources (or stop(Duration) it); that stops its"
              + " children, last started first";
      default -> throw new AssertionError(root);
    };
  }

  /** What the leak is blocked in, for "and for X itself". */
  private static String what(Candidate c, String parkedOn) {
    if (c.info != null && c.info.kind() != TaskInfo.Kind.TASK) {
      return "the " + c.info.kind().name().toLowerCase(Locale.ROOT);
    }
    if (parkedOn != null) {
      int on = parkedOn.indexOf(" on ");
      return "the " + (on < 0 ? parkedOn : parkedOn.substring(0, on));
    }
    return "the task";
  }

  /** The fix for the primitive actually involved. */
  private static String primitiveFix(
      LeakPattern p,
      Candidate c,
      String tetherReason,
      String target,
      List<StackTraceElement> stack) {
    TaskInfo info = c.info;
    if (info != null) {
      switch (info.kind()) {
        case TICKER -> {
          return "stop the ticker: start it with try-with-resources (try (Ticker t ="
              + " Ticker.start(ctx, period)) { ... }) or call stop()";
        }
        case SCOPE -> {
          return "close the scope: open it with try-with-resources (try (Scope s = Scope.open(ctx,"
              + " name)) { ... })";
        }
        case SERVICE -> {
          return "close the service: start it with try-with-resources (try (Service s ="
              + " Service.start(ctx, name, body)) { ... }) or stop(Duration) it";
        }
        case SUPERVISOR -> {
          return "close the supervisor: start it with try-with-resources (try (Supervisor s ="
              + " builder.start(ctx)) { ... }) or stop(Duration) it";
        }
        default -> {
          // a task: below
        }
      }
    }
    StackTraceElement entry = jdkEntry(stack);
    String jdkClass = entry == null ? null : simpleClass(entry);
    return switch (p) {
      case SEND_BLOCKED ->
          tetherReason != null
              ? LeakShapes.waitFix(LeakShapes.Shape.SEND_BLOCKED, tetherReason, target)
              : "nobody takes from this "
                  + (jdkClass == null ? "queue" : jdkClass)
                  + " any more: keep a consumer until every producer is done, or use offer(e,"
                  + " timeout, unit) and give up on timeout (an interrupt also ends a put)";
      case RECEIVE_BLOCKED ->
          tetherReason != null
              ? LeakShapes.waitFix(LeakShapes.Shape.RECEIVE_BLOCKED, tetherReason, target)
              : "nobody puts into this "
                  + (jdkClass == null ? "queue" : jdkClass)
                  + " any more: have the producer put an end marker when it is done, or"
                  + " poll(timeout, unit) in a loop that checks for cancellation (an interrupt"
                  + " also ends a take)";
      case TICKER_NOT_STOPPED ->
          "shutdown() the ScheduledExecutorService when done (or close() it: try-with-resources"
              + " on the executor)";
      case LOCK_WAIT, BUSY_LOOP -> p.fix();
      case UNKNOWN ->
          info != null
              ? "make its owner cancel and join it before the test ends: its scope's close() does"
                  + " both"
              : "a raw thread has no owner: interrupt() and join() it before the test ends, or"
                  + " start it as a task in a Scope, whose close() cancels and joins it";
    };
  }

  private static String simpleClass(StackTraceElement f) {
    String cls = f.getClassName();
    int dollar = cls.indexOf('$');
    cls = dollar < 0 ? cls : cls.substring(0, dollar);
    return cls.substring(cls.lastIndexOf('.') + 1);
  }

  static String human(Duration d) {
    long ms = Math.max(0, d.toMillis());
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 120_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    return (ms / 60_000) + " min";
  }
}
