package io.tether.junit;

import java.util.List;

/**
 * The threads the leak check ignores unless told otherwise: service threads of the JVM, JUnit,
 * Maven Surefire and Tether itself that start on first use and live for the rest of the run by
 * design. Each entry says why it is benign. A thread that existed when the baseline was taken is
 * ignored anyway; these are the ones that may start <em>during</em> a test without anyone leaking.
 */
final class DefaultIgnores {
  private DefaultIgnores() {}

  private record Rule(String namePattern, String why) {}

  private static final List<Rule> BY_NAME =
      List.of(
          // JVM: started when a tool or agent attaches (jcmd, a profiler, Lincheck loading its
          // agent at run time); serves attach requests for the life of the JVM.
          new Rule("Attach Listener", "JVM attach service"),
          // JVM: the reference handler, finalizer, signal and notification threads exist from
          // start-up; listed in case a baseline is taken by a custom runner before they show.
          new Rule("Reference Handler", "JVM reference processing"),
          new Rule("Finalizer", "JVM finalization"),
          new Rule("Signal Dispatcher", "JVM signal handling"),
          new Rule("Notification Thread", "JVM management notifications"),
          // JDK: the shared Cleaner thread, started on first use of java.lang.ref.Cleaner.
          new Rule("Common-Cleaner", "JDK shared Cleaner"),
          // JDK: unblocks virtual threads that waited on monitors; started with the first one.
          new Rule("VirtualThread-unblocker", "JDK virtual-thread monitor support"),
          // JDK: waits for child processes (ProcessBuilder); pooled, idle ones retire by
          // themselves.
          new Rule("process reaper", "JDK child-process reaper"),
          // JDK: I/O pollers that wake virtual threads blocked on sockets; started on first use.
          new Rule("Read-Poller", "JDK virtual-thread I/O poller"),
          new Rule("Write-Poller", "JDK virtual-thread I/O poller"),
          // JDK 25: the same pollers under their new names, a master platform thread and virtual
          // sub-pollers, started on the first blocking socket operation of a virtual thread.
          new Rule("MasterPoller", "JDK virtual-thread I/O poller"),
          new Rule("SubPoller-*", "JDK virtual-thread I/O poller"),
          // JDK: workers of the common ForkJoinPool (parallel streams, CompletableFuture's default
          // executor). The JDK owns the pool; idle workers retire after 60 s on their own.
          new Rule("ForkJoinPool.commonPool-worker-*", "JDK common pool worker"),
          // JDK Flight Recorder: recorder and periodic-event threads, started with a recording.
          new Rule("JFR *", "JDK Flight Recorder"),
          // Tether: the one shared timer (deadlines, timeouts, tickers); a daemon started on first
          // use that parks when idle. A ticker nobody stopped shows up as TICKER_NOT_STOPPED.
          new Rule("tether-timer", "Tether's shared timer"),
          // JUnit: the watchdog for @Timeout, a daemon started on the first @Timeout of the run.
          new Rule("junit-jupiter-timeout-watcher", "JUnit @Timeout watchdog"),
          new Rule("junit-timeout-thread-*", "JUnit @Timeout(SEPARATE_THREAD) runner"),
          // Maven Surefire: the forked JVM's channel to the build (commands, pings, output).
          new Rule("surefire-forkedjvm-*", "Maven Surefire fork channel"),
          new Rule("last-ditch-daemon-shutdown-thread-*", "Maven Surefire shutdown guard"));

  /** Why {@code t} is benign, or null if it is not ignored by default. */
  static String why(ThreadView t) {
    if (t.thread != null) {
      String cls = t.thread.getClass().getName();
      // JDK: the carrier threads of the virtual-thread scheduler; pooled, idle ones park.
      if (cls.equals("jdk.internal.misc.CarrierThread")) {
        return "JDK virtual-thread carrier";
      }
      // JUnit: workers of the parallel test executor; the pool lives for the whole run.
      if (cls.startsWith("org.junit.")) {
        return "JUnit parallel-execution worker";
      }
    }
    for (Rule r : BY_NAME) {
      if (LeakOptions.matches(r.namePattern, t.name)) {
        return r.why;
      }
    }
    List<StackTraceElement> stack = t.stack();
    StackTraceElement bottom = stack.isEmpty() ? null : stack.get(stack.size() - 1);
    // JDK 25: a ForkJoinPool starts a delay-scheduler thread on its first timed task; for the
    // virtual-thread scheduler that is the first timed park (sleep, a wait with a timeout), and it
    // lives with the pool. A user's pool left running shows through its workers.
    if (bottom != null
        && bottom.getClassName().equals("java.util.concurrent.DelayScheduler")
        && bottom.getMethodName().equals("run")) {
      return "JDK ForkJoinPool delay scheduler";
    }
    return null;
  }
}
