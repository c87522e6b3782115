package io.tether;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/**
 * Tether's JDK Flight Recorder events, all named {@code io.tether.*} and all disabled by default
 * ({@code @Enabled(false)}): enable them with the settings file {@code tether.jfc} in this module's
 * resources (or {@code io.tether.TaskEnd#enabled=true} style settings), then {@code jfr print
 * --events 'io.tether.*' rec.jfr}.
 *
 * <p>Cost: this sink is registered on {@link Hooks} only while some JFR recording is running (a
 * {@link FlightRecorderListener} follows the recordings), so without a recording the events cost
 * what {@link Hooks} costs with nobody listening. While a recording runs but these events are not
 * enabled, each event site costs a call and an {@link Event#isEnabled()} check, which the JIT reads
 * from a static field of the instrumented event class; the event object never escapes.
 *
 * <p>{@code LongWait} times a wait from its beginning to its end as the core reports them: the end
 * of a {@code ctx.await} on a context that cannot be cancelled and of an {@code afterDone} join is
 * not reported (their code is not hooked), so those waits never produce the event.
 */
final class JfrEvents extends Hooks.Sink {
  private JfrEvents() {}

  private static final JfrEvents SINK = new JfrEvents();

  /** The ids of the recordings now running; the sink is registered while this is not empty. */
  private static final Set<Long> RUNNING = ConcurrentHashMap.newKeySet();

  /** Tasks reached so far by each cancellation still cascading (keyed by identity of its Done). */
  private static final Map<ContextErrors.Done, AtomicInteger> FAN_OUT = new ConcurrentHashMap<>();

  /** A long wait's JFR event, begun when the wait began; one per thread at a time. */
  private static final ThreadLocal<LongWait> PENDING_WAIT = new ThreadLocal<>();

  /**
   * Whether some thread may hold a {@link #PENDING_WAIT}: set before the first one is set while the
   * sink is installed, cleared when it is removed. Until then {@link #waitEnded} does not look:
   * {@code ThreadLocal.get} on a thread with no thread-locals yet makes its map, and with a
   * recording running and {@code LongWait} off (its default), that was a tenth of the samples of a
   * cancel of 10,000 tasks parked in channel receives, each on a fresh virtual thread (figures in
   * docs/benchmarks-notes.md).
   */
  private static volatile boolean longWaitsBegun;

  private static volatile boolean installed;

  /**
   * Starts following JFR recordings (once; called when {@link Hooks} is first used). Does nothing,
   * quietly, on a JVM without JFR: the events are optional, the tasks are not.
   */
  static void install() {
    if (installed) {
      return;
    }
    installed = true;
    try {
      if (FlightRecorder.isAvailable()) {
        FlightRecorder.addListener(new Follower());
      }
    } catch (LinkageError | RuntimeException e) {
      // No JFR in this runtime (or it refused the listener): no events, nothing else changes.
    }
  }

  /** Registers {@link #SINK} on {@link Hooks} while at least one recording runs. */
  private static final class Follower implements FlightRecorderListener {
    @Override
    public void recorderInitialized(FlightRecorder recorder) {
      for (Recording r : recorder.getRecordings()) {
        recordingStateChanged(r);
      }
    }

    @Override
    public void recordingStateChanged(Recording recording) {
      synchronized (RUNNING) {
        boolean before = !RUNNING.isEmpty();
        if (recording.getState() == RecordingState.RUNNING) {
          RUNNING.add(recording.getId());
        } else {
          RUNNING.remove(recording.getId());
        }
        boolean after = !RUNNING.isEmpty();
        if (after && !before) {
          Hooks.add(SINK);
        } else if (before && !after) {
          Hooks.remove(SINK);
          FAN_OUT.clear();
          longWaitsBegun = false;
        }
      }
    }
  }

  // ---- the sink ----

  @Override
  void started(Task<?> task) {
    TaskStart e = new TaskStart();
    if (e.isEnabled()) {
      e.taskId = task.id;
      e.name = task.name();
      e.path = task.path();
      e.spawnSite = site(task);
      e.commit();
    }
  }

  @Override
  void ended(Task<?> task, Task.State end) {
    TaskEnd e = new TaskEnd();
    if (e.isEnabled()) {
      e.taskId = task.id;
      e.name = task.name();
      e.path = task.path();
      e.spawnSite = site(task);
      e.outcome = end.name();
      e.runTime = System.nanoTime() - task.startNanos;
      Throwable f = task.failure();
      e.failure = end == Task.State.FAILED && f != null ? f.toString() : null;
      e.commit();
    }
  }

  @Override
  void waitBegan(Waits.Wait w) {
    LongWait e = new LongWait();
    if (e.isEnabled()) {
      e.wait = w;
      e.begin();
      if (!longWaitsBegun) {
        longWaitsBegun = true;
      }
      PENDING_WAIT.set(e);
    }
  }

  @Override
  void waitEnded(Waits.Wait w) {
    if (!longWaitsBegun) {
      return; // no LongWait began since the sink was installed: nothing pending on any thread
    }
    LongWait e = PENDING_WAIT.get();
    if (e == null) {
      return;
    }
    PENDING_WAIT.remove();
    if (e.wait != w) {
      return; // began before a recording, or its end was not reported: drop it
    }
    e.wait = null;
    e.end();
    if (e.shouldCommit()) {
      e.reason = w.reason();
      e.target = String.valueOf(w.target());
      e.commit();
    }
  }

  @Override
  void cancelled(CancelNode node, ContextErrors.Done d, boolean root) {
    if (!new ContextCancelled().isEnabled()) {
      return;
    }
    if (root) {
      FAN_OUT.putIfAbsent(d, new AtomicInteger());
    }
    if (node.owner() instanceof Task<?>) {
      AtomicInteger n = FAN_OUT.get(d);
      if (n != null) {
        n.incrementAndGet();
      }
    }
  }

  @Override
  void cascaded(CancelNode node, ContextErrors.Done d) {
    AtomicInteger n = FAN_OUT.remove(d);
    ContextCancelled e = new ContextCancelled();
    if (e.isEnabled()) {
      e.context = node.toString();
      Throwable cause = d.cause();
      e.cause = cause != null ? cause.toString() : d.message();
      e.deadline = d.deadlineExceeded();
      e.tasksReached = n == null ? -1 : n.get();
      e.commit();
    }
  }

  @Override
  void straggler(Task<?> task) {
    StopStraggler e = new StopStraggler();
    if (e.isEnabled()) {
      e.taskId = task.id;
      e.name = task.name();
      e.path = task.path();
      e.spawnSite = site(task);
      Waits.Wait w = task.thread == null ? null : Waits.of(task.thread);
      e.waitReason = w == null ? null : w.reason();
      e.commit();
    }
  }

  @Override
  void restarted(String supervisorPath, String child) {
    SupervisorRestart e = new SupervisorRestart();
    if (e.isEnabled()) {
      e.supervisor = supervisorPath;
      e.child = child;
      e.commit();
    }
  }

  @Override
  void leakSuspected(TaskInfo task, String shape, String description) {
    LeakSuspected e = new LeakSuspected();
    if (e.isEnabled()) {
      e.taskId = task.id();
      e.path = task.path();
      e.spawnSite = task.spawnSite() == null ? null : task.spawnSite().toString();
      e.shape = shape;
      e.waitReason = task.waitReason();
      e.description = description;
      e.commit();
    }
  }

  private static String site(Task<?> task) {
    StackTraceElement s = SpawnSites.first(task.spawnSite);
    return s == null ? null : s.toString();
  }

  // ---- the events ----

  @Name("io.tether.TaskStart")
  @Label("Task Start")
  @Category({"Tether", "Tasks"})
  @Description("A Tether task's body began to run, on its own virtual thread.")
  @Enabled(false)
  @StackTrace(false)
  static final class TaskStart extends Event {
    @Label("Task Id")
    long taskId;

    @Label("Name")
    String name;

    @Label("Owner Path")
    @Description("The owner path, outermost first, ending with the task's name")
    String path;

    @Label("Spawn Site")
    String spawnSite;
  }

  @Name("io.tether.TaskEnd")
  @Label("Task End")
  @Category({"Tether", "Tasks"})
  @Description("A Tether task ended: SUCCEEDED, FAILED or CANCELLED.")
  @Enabled(false)
  @StackTrace(false)
  static final class TaskEnd extends Event {
    @Label("Task Id")
    long taskId;

    @Label("Name")
    String name;

    @Label("Owner Path")
    String path;

    @Label("Spawn Site")
    String spawnSite;

    @Label("Outcome")
    String outcome;

    @Label("Run Time")
    @Description("From spawn to end")
    @Timespan(Timespan.NANOSECONDS)
    long runTime;

    @Label("Failure")
    @Description("What a FAILED task threw (toString); null otherwise")
    String failure;
  }

  @Name("io.tether.ContextCancelled")
  @Label("Context Cancelled")
  @Category({"Tether", "Cancellation"})
  @Description(
      "A cancellation began at this context (a cancel call, a failure in a fail-fast scope, a"
          + " deadline) and has reached everything below it.")
  @Enabled(false)
  @StackTrace(true)
  static final class ContextCancelled extends Event {
    @Label("Context")
    String context;

    @Label("Cause")
    String cause;

    @Label("Deadline Exceeded")
    boolean deadline;

    @Label("Tasks Reached")
    @Description("Tasks whose own context this cancellation cancelled (its fan-out)")
    int tasksReached;
  }

  @Name("io.tether.LongWait")
  @Label("Long Wait")
  @Category({"Tether", "Waits"})
  @Description(
      "A thread parked in a Tether wait (chan send, chan receive, select, ctx.await, task.join,"
          + " scope.join, ...) for longer than the threshold.")
  @Enabled(false)
  @Threshold("20 ms")
  @StackTrace(true)
  static final class LongWait extends Event {
    @Label("Reason")
    String reason;

    @Label("Target")
    String target;

    /** The wait this event times; not recorded (transient fields are not event fields). */
    transient Waits.Wait wait;
  }

  @Name("io.tether.StopStraggler")
  @Label("Stop Straggler")
  @Category({"Tether", "Tasks"})
  @Description("A bounded stop gave up waiting for this task; it is still alive.")
  @Enabled(false)
  @StackTrace(false)
  static final class StopStraggler extends Event {
    @Label("Task Id")
    long taskId;

    @Label("Name")
    String name;

    @Label("Owner Path")
    String path;

    @Label("Spawn Site")
    String spawnSite;

    @Label("Wait Reason")
    String waitReason;
  }

  @Name("io.tether.SupervisorRestart")
  @Label("Supervisor Restart")
  @Category({"Tether", "Tasks"})
  @Description("A supervisor restarted one of its children.")
  @Enabled(false)
  @StackTrace(false)
  static final class SupervisorRestart extends Event {
    @Label("Supervisor")
    String supervisor;

    @Label("Child")
    String child;
  }

  @Name("io.tether.LeakSuspected")
  @Label("Leak Suspected")
  @Category({"Tether", "Leaks"})
  @Description("A leak watchdog suspects this task of leaking, with the leak's shape.")
  @Enabled(false)
  @StackTrace(false)
  static final class LeakSuspected extends Event {
    @Label("Task Id")
    long taskId;

    @Label("Owner Path")
    String path;

    @Label("Spawn Site")
    String spawnSite;

    @Label("Shape")
    String shape;

    @Label("Wait Reason")
    String waitReason;

    @Label("Description")
    String description;
  }
}
