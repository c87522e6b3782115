package io.tether;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A graceful, signal-driven process exit: the {@code main} of a service built on Tether.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   System.exit(Shutdown.run(Duration.ofSeconds(10), ctx -> {
 *     try (Service http = Service.start(ctx, "http", c -> serve(c, 8080))) {
 *       ctx.await();                       // until SIGINT or SIGTERM
 *     }
 *   }));
 * }
 * }</pre>
 *
 * <h2>What happens</h2>
 *
 * <ol>
 *   <li>{@code main} runs as the task {@code main/main}, with a root context.
 *   <li>SIGINT or SIGTERM cancels that context (as does {@code main} returning or failing). The
 *       signal is handled while {@code main} runs, not in a shutdown hook: the JVM is not exiting
 *       while tasks drain. SIGQUIT is left alone, so {@code kill -QUIT} still prints the JVM's
 *       thread dump.
 *   <li>Every task in the registry then gets at most {@code grace} to end: first {@code main}'s own
 *       tree, then anything else still live.
 *   <li>Clean: one line on stderr (how many tasks stopped, how long it took) and exit code 0.
 *       Otherwise a report on stderr naming each straggler with its owner path, spawn site and
 *       stack, and a non-zero code.
 *   <li>A second signal while draining prints the same report at once and halts the JVM.
 * </ol>
 *
 * <h2>Exit codes</h2>
 *
 * {@link #OK} 0: clean; {@link #FAILED} 1: something failed and nothing outlived the grace period;
 * {@link #STRAGGLERS} 2: tasks outlived the grace period (also when something failed); {@code 128 +
 * signal} (130 for SIGINT, 143 for SIGTERM): forced by a second signal.
 *
 * <p>"Failed" follows the rule tasks and services use (law L4): {@code main} threw anything but its
 * cancellation (an {@code IOException} thrown while draining counts), or a task, service or
 * supervisor that was live when the stop began ended with a failure nobody had seen (a service
 * {@code main} never closed that threw while stopping). Each such failure is printed.
 *
 * <h2>Memory consistency effects</h2>
 *
 * The signal (or {@code main}'s end) happens-before {@code main}'s context is done, as observed by
 * every task under it. Actions of every task that ended within the grace period happen-before
 * {@code run} returns its exit code.
 */
public final class Shutdown {
  private Shutdown() {}

  /** Everything stopped in time and {@code main} did not fail. */
  public static final int OK = 0;

  /**
   * {@code main}, or a service or supervisor live at the stop, failed (threw something other than
   * its cancellation, also while draining), and nothing outlived the grace period.
   */
  public static final int FAILED = 1;

  /** Some task was still running when the grace period ended. */
  public static final int STRAGGLERS = 2;

  private static final AtomicReference<Run> CURRENT = new AtomicReference<>();

  /**
   * Runs {@code main} under signal handling and returns the exit code to pass to {@link
   * System#exit}. See the class comment.
   *
   * @throws IllegalArgumentException if {@code grace} is negative
   * @throws IllegalStateException if another {@code Shutdown.run} is in progress (signals are
   *     process-wide)
   */
  public static int run(Duration grace, VoidWork main) {
    Service.checkTimeout(grace, "Shutdown.run");
    Objects.requireNonNull(main, "main");
    return run(grace, main, System.err, true);
  }

  /** For tests: where the report goes, and whether to install the signal handlers. */
  static int run(Duration grace, VoidWork main, PrintStream err, boolean handleSignals) {
    Run run = new Run(grace, err);
    if (!CURRENT.compareAndSet(null, run)) {
      throw new IllegalStateException(
          "Shutdown.run is already running ("
              + CURRENT.get()
              + "): signals are process-wide, so only one may run at a time");
    }
    try {
      if (handleSignals) {
        run.install();
      }
      return run.execute(main);
    } finally {
      run.uninstall();
      CURRENT.set(null);
    }
  }

  /** Acts as if {@code signal} had arrived (for tests); false if no run is in progress. */
  static boolean simulate(String signal) {
    Run r = CURRENT.get();
    if (r == null) {
      return false;
    }
    r.onSignal(signal, 0);
    return true;
  }

  private static final class Run {
    private final Duration grace;
    private final PrintStream err;
    private final CancellableContext root = Context.background().withCancel();
    private final AtomicInteger signals = new AtomicInteger();
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile String reason;
    private volatile long stopNanos;
    private volatile int liveAtStop;
    private volatile Throwable mainFailure;

    /** The services and supervisors live when the stop began: their failures must be counted. */
    private volatile List<ScopeRole> componentsAtStop = List.of();

    Run(Duration grace, PrintStream err) {
      this.grace = grace;
      this.err = err;
    }

    void install() {
      for (String name : List.of("INT", "TERM")) {
        Signal s = new Signal(name);
        SignalHandler old =
            Signal.handle(s, sig -> onSignal("SIG" + sig.getName(), sig.getNumber()));
        installed.add(s);
        previous.add(old);
        if (old == SignalHandler.SIG_IGN) {
          // The JVM keeps a signal ignored if it was ignored at launch (a shell starting a
          // background job ignores SIGINT): say so rather than leave a Ctrl-C that does nothing.
          err.println(
              "tether: SIG"
                  + name
                  + " was ignored when this JVM started (a background job?), so it will not stop"
                  + " it; use "
                  + (name.equals("INT") ? "SIGTERM (kill " : "SIGINT (kill -INT ")
                  + ProcessHandle.current().pid()
                  + ")");
        }
      }
    }

    void uninstall() {
      for (int i = 0; i < installed.size(); i++) {
        Signal.handle(installed.get(i), previous.get(i));
      }
    }

    /** Runs on the JVM's signal-dispatch thread: never blocks for long. */
    void onSignal(String name, int number) {
      if (signals.getAndIncrement() == 0) {
        beginStop(name);
        return;
      }
      err.println(
          "tether: "
              + name
              + " again while stopping ("
              + reason
              + "): exiting now without waiting"
              + " further");
      printStragglers(liveTasks(), "still running");
      err.flush();
      Runtime.getRuntime().halt(128 + number);
    }

    private synchronized void beginStop(String why) {
      if (reason == null) {
        reason = why;
        stopNanos = System.nanoTime();
        liveAtStop = liveTasks().size();
        componentsAtStop = Registry.roles();
        root.cancel(new CancellationException("shutdown: " + why));
      }
    }

    int execute(VoidWork main) {
      long start = System.nanoTime();
      StopReport report;
      // Not closed by try-with-resources: after a stop that found stragglers, close() would wait
      // for them forever; stop() has closed it already.
      Scope app = Scope.supervised(root, "main");
      try {
        app.goAt(
            "main",
            c -> {
              try {
                main.run(c);
              } catch (Exception | Error e) {
                // The rule tasks and services use (law L4): anything but the cancellation itself
                // is a failure, also when main throws it while the shutdown drains.
                if (!Outcomes.isCancellation(e, c)) {
                  mainFailure = e;
                }
                throw e;
              } finally {
                beginStop("main returned");
              }
            },
            SpawnSites.capture(main));
        boolean interrupted = false;
        while (!root.isDone()) {
          try {
            root.await();
          } catch (InterruptedException e) {
            interrupted = true; // the thread running us was interrupted: stop, as for a signal
            beginStop("interrupted");
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        Thread.interrupted(); // the stop below waits in full; the status is restored after
        report = app.stop(grace);
        List<TaskInfo> stragglers = new ArrayList<>(report.stragglers());
        // Tasks outside main's tree (owned by someone who never closed) get the rest of the grace.
        long deadline = stopNanos + AbstractContext.saturatedNanos(grace);
        List<TaskInfo> others = liveTasks();
        while (!others.isEmpty() && System.nanoTime() - deadline < 0) {
          Thread.sleep(Math.min(10, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
          others = liveTasks();
        }
        for (TaskInfo o : others) {
          if (stragglers.stream().noneMatch(s -> s.id() == o.id())) {
            stragglers.add(o);
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - stopNanos);
        Throwable failure = mainFailure;
        if (failure != null) {
          err.println("tether: main failed (" + reason + "):");
          failure.printStackTrace(err);
        }
        List<Throwable> unreported = new ArrayList<>();
        for (Throwable f : report.failures()) {
          if (f != failure) {
            unreported.add(f);
          }
        }
        // A service or supervisor nobody closed that failed (also while draining): its failure
        // would reach nobody else.
        for (ScopeRole r : componentsAtStop) {
          for (Throwable f : r.takeUnseenFailures()) {
            if (f != failure && !unreported.contains(f)) {
              unreported.add(f);
            }
          }
        }
        for (Throwable f : unreported) {
          err.print("tether: unreported failure: ");
          f.printStackTrace(err);
        }
        if (!stragglers.isEmpty()) {
          err.println(
              "tether: shutdown ("
                  + reason
                  + "): "
                  + stragglers.size()
                  + " task(s) still running after the "
                  + TaskInfo.human(grace)
                  + " grace period");
          printStragglers(stragglers, "straggler");
          err.flush();
          return STRAGGLERS;
        }
        boolean failed = failure != null || !unreported.isEmpty();
        err.println(
            "tether: shutdown ("
                + reason
                + (failed
                    ? ") failed ("
                        + (failure != null ? "main" : "")
                        + (failure != null && !unreported.isEmpty() ? " and " : "")
                        + (unreported.isEmpty() ? "" : unreported.size() + " unreported")
                        + ", printed above): "
                    : ") clean: ")
                + liveAtStop
                + (liveAtStop == 1 ? " task" : " tasks")
                + " stopped in "
                + took.toMillis()
                + " ms (ran "
                + TaskInfo.human(Duration.ofNanos(System.nanoTime() - start))
                + ")");
        err.flush();
        return failed ? FAILED : OK;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        err.println("tether: interrupted while stopping (" + reason + ")");
        return FAILED;
      }
    }

    private void printStragglers(List<TaskInfo> stragglers, String label) {
      Instant now = Instant.now();
      for (TaskInfo s : stragglers) {
        err.println("  " + label + ": " + s);
        for (StackTraceElement f : Dumps.stackOf(s)) {
          err.println("      at " + f);
        }
      }
      if (stragglers.isEmpty()) {
        err.println("  (no Tether task is live at " + now + ")");
      }
    }

    private static List<TaskInfo> liveTasks() {
      List<TaskInfo> out = new ArrayList<>();
      for (TaskInfo i : Registry.snapshot()) {
        if (i.kind() == TaskInfo.Kind.TASK) {
          out.add(i);
        }
      }
      return out;
    }

    @Override
    public String toString() {
      return "Shutdown.run with grace "
          + grace
          + (reason == null ? ", running" : ", stopping: " + reason.toLowerCase(Locale.ROOT));
    }
  }
}
