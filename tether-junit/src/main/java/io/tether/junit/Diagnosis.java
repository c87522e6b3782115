package io.tether.junit;

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

  private static LeakPattern fromWait(String reason, String target) {
    if (reason == null) {
      return null;
    }
    return switch (reason) {
      case "chan send" -> LeakPattern.SEND_BLOCKED;
      case "chan receive" -> LeakPattern.RECEIVE_BLOCKED;
      case "select" -> {
        boolean sends = target != null && target.contains("send on ");
        boolean receives = target != null && target.contains("receive on ");
        yield sends && !receives
            ? LeakPattern.SEND_BLOCKED
            : receives && !sends ? LeakPattern.RECEIVE_BLOCKED : null;
      }
      default -> null;
    };
  }

  static Leak diagnose(Candidate c, Duration settled, String blamedOn, Instant now) {
    TaskInfo info = c.info;
    ThreadView v = c.view;
    List<StackTraceElement> stack = v == null ? List.of() : v.stack();
    LeakPattern pattern = null;
    String doing;
    String parkedOn = null;
    Duration waitingFor = null;
    if (info != null && info.kind() == TaskInfo.Kind.TICKER) {
      pattern = LeakPattern.TICKER_NOT_STOPPED;
      doing = "still " + info.state().replaceFirst("^TICKING", "ticking") + ", never stopped";
    } else if (info != null && info.kind() == TaskInfo.Kind.SCOPE) {
      pattern = LeakPattern.UNKNOWN;
      doing = "still " + info.state() + ": opened and never closed";
    } else {
      if (info != null && info.waitReason() != null && !info.waitReason().equals("parked")) {
        pattern = fromWait(info.waitReason(), info.waitTarget());
        parkedOn = info.waitReason() + " on " + info.waitTarget();
        if (info.waitingSince() != null) {
          waitingFor = Duration.between(info.waitingSince(), now);
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
    String ownerPath = info != null ? info.path() : null;
    StringBuilder d = new StringBuilder();
    d.append(kind).append(" '").append(c.name()).append('\'');
    if (ownerPath != null && !ownerPath.equals(c.name())) {
      d.append(" (").append(ownerPath).append(')');
    }
    d.append(' ').append(doing);
    return new Leak(
        pattern,
        kind,
        c.name(),
        ownerPath,
        info == null ? null : info.spawnSite(),
        parkedOn,
        waitingFor,
        blamedOn,
        d.toString(),
        stack);
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
