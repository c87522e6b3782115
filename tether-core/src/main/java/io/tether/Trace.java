package io.tether;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Task lifelines, like Go's {@code runtime/trace}: a recording of what every task did — spawned (by
 * whom, where), started, waited (on which channel, context, task, scope, and why), was cancelled
 * (by which cancellation, which reached how many tasks), ended (how) — exported as Chrome Trace
 * Event JSON for <a href="https://ui.perfetto.dev">Perfetto UI</a> or {@code chrome://tracing}.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * try (Trace.Recording rec = Trace.start()) {
 *   runTheWorkload(ctx);
 *   Files.writeString(Path.of("tether-trace.json"), rec.stop().toJson());
 * }                                          // open the file in ui.perfetto.dev
 *
 * // A debug endpoint (/debug/tether/trace?seconds=5): record 5 s of whatever runs, then answer.
 * byte[] body = Trace.record(requestCtx, Duration.ofSeconds(5)).toJsonBytes();
 * }</pre>
 *
 * <p>In the viewer each task is a track, grouped under its owner's path; its {@code running} slice
 * holds a slice per wait, named by the reason ({@code chan receive}, {@code select}, {@code
 * ctx.await}, {@code task.join}, {@code scope.join}, ...) with the target in its arguments; arrows
 * lead from each spawn to the child's start and from each cancel to every task it reached.
 *
 * <h2>Cost and bounds</h2>
 *
 * Off (no recording): one volatile read per event site in the core. On: one small object (about 50
 * bytes) and one mostly uncontended atomic increment per event, into a ring buffer of fixed
 * capacity ({@value #DEFAULT_CAPACITY} events unless given). Events name tasks and threads by id,
 * so the ring keeps no finished task alive; it keeps the scopes that spawned, the channels and
 * contexts waited on, and the contexts where cancellations began. When the ring is full the oldest
 * events are overwritten; the trace says how many it dropped and from when on it is complete
 * ({@link #dropped()}; {@code dropped} and {@code completeFromMicros} in the JSON's {@code
 * otherData}), and its slices stay balanced. The ring is striped by thread, so threads seldom
 * contend on it.
 *
 * <h2>Exit</h2>
 *
 * A {@link Recording} registers a listener with the core and holds its buffer until {@link
 * Recording#stop()} or {@link Recording#close()}; it starts no thread. A recording nobody stops
 * keeps costing every event and keeps up to its capacity of events (and the tasks they reference)
 * reachable. {@link #record(Context, Duration)} stops its recording itself.
 *
 * <h2>What it does not see</h2>
 *
 * Raw threads and JDK blocking calls ({@code Thread.sleep}, locks, queues) are not Tether waits: a
 * task blocked in them shows as running. The end of a {@code ctx.await} on a context that cannot be
 * cancelled (such as {@link Context#background()}) and of an {@code afterDone} join is not reported
 * by the core; such a wait is drawn until the next event on its track (marked {@code open}).
 */
public final class Trace {

  /** The ring's capacity when none is given: 262,144 events. */
  public static final int DEFAULT_CAPACITY = 1 << 18;

  /** The largest capacity accepted: 67,108,864 events. */
  public static final int MAX_CAPACITY = 1 << 26;

  private final TraceRecorder.Snapshot snapshot;
  private final long startNanos;
  private final long endNanos;
  private final List<TaskInfo> before;
  private String json; // made on first use

  private Trace(
      TraceRecorder.Snapshot snapshot, long startNanos, long endNanos, List<TaskInfo> before) {
    this.snapshot = snapshot;
    this.startNanos = startNanos;
    this.endNanos = endNanos;
    this.before = before;
  }

  /**
   * Starts recording every task event of this JVM into a ring of {@link #DEFAULT_CAPACITY} events.
   * Stop it with {@link Recording#stop()} (or close it) — see the class comment's exit story.
   */
  public static Recording start() {
    return new Recording(DEFAULT_CAPACITY);
  }

  /**
   * Like {@link #start()}, with a ring of at least {@code capacity} events. The ring is split into
   * stripes (8 or more, by thread), each a power of two in size, so one busy thread keeps only its
   * stripe's share of the events: give room for the busiest thread.
   *
   * @throws IllegalArgumentException if {@code capacity} is below 16 or above {@link #MAX_CAPACITY}
   */
  public static Recording start(int capacity) {
    if (capacity < 16 || capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException(
          "Trace.start(" + capacity + "): capacity must be within 16.." + MAX_CAPACITY + " events");
    }
    return new Recording(capacity);
  }

  /**
   * Records for {@code duration}, or until {@code ctx} is done if that comes first, and returns the
   * trace. Blocks the caller meanwhile (the wait itself shows in the trace as a {@code ctx.await}).
   * For a debug endpoint: pass the request's context, so a client that goes away ends the recording
   * early.
   *
   * @throws IllegalArgumentException if {@code duration} is negative
   * @throws InterruptedException if interrupted while recording; the recording is discarded
   */
  public static Trace record(Context ctx, Duration duration) throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("Trace.record(" + duration + "): negative duration");
    }
    try (Recording r = start()) {
      ctx.await(duration);
      return r.stop();
    }
  }

  /** How long the recording ran. */
  public Duration duration() {
    return Duration.ofNanos(endNanos - startNanos);
  }

  /** The events this trace holds. */
  public int eventCount() {
    return snapshot.events().size();
  }

  /**
   * The events recorded but not in this trace: overwritten to make room in the ring (the oldest
   * ones), or still being written when the recording stopped.
   */
  public long dropped() {
    return snapshot.dropped();
  }

  /**
   * The trace as Chrome Trace Event JSON: {@code {"traceEvents":[...], "otherData":{...}}}, with
   * what was dropped in {@code otherData}. Made once, then cached.
   */
  public synchronized String toJson() {
    if (json == null) {
      json = TraceJson.write(snapshot, startNanos, endNanos, before);
    }
    return json;
  }

  /** {@link #toJson()} in UTF-8: the body of an HTTP answer ({@code application/json}). */
  public byte[] toJsonBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code Trace[1234 events, 0 dropped, PT5S]}. */
  @Override
  public String toString() {
    return "Trace[" + eventCount() + " events, " + dropped() + " dropped, " + duration() + "]";
  }

  /**
   * A recording in progress: started by {@link Trace#start()}, ended by {@link #stop()} (which
   * returns the trace) or {@link #close()} (which discards it). Both are idempotent.
   *
   * <h2>Memory consistency effects</h2>
   *
   * Events that happen-before {@code stop()} is called are in the trace; events racing with it may
   * or may not be (those caught half-written are counted in {@link Trace#dropped()}).
   */
  public static final class Recording implements AutoCloseable {
    private final TraceRecorder recorder;
    private final List<TaskInfo> before;
    private Trace trace; // guarded by this
    private boolean stopped; // guarded by this

    private Recording(int capacity) {
      // Tasks alive now: their tracks get their names even if they never spawn or end meanwhile.
      this.before = Tasks.snapshot();
      this.recorder = new TraceRecorder(capacity);
      Hooks.add(recorder);
    }

    /** Whether it is still recording. */
    public synchronized boolean isRecording() {
      return !stopped;
    }

    /**
     * Stops recording and returns the trace; a second call returns the same trace.
     *
     * @throws IllegalStateException if the recording was discarded by {@link #close()} first
     */
    public synchronized Trace stop() {
      if (trace == null) {
        if (stopped) {
          throw new IllegalStateException(
              "Trace.Recording was closed (discarded); nothing to stop");
        }
        stopped = true;
        Hooks.remove(recorder);
        long end = System.nanoTime();
        trace = new Trace(recorder.snapshot(), recorder.startNanos, end, before);
      }
      return trace;
    }

    /** Stops recording, discarding the events if {@link #stop()} was not called. Idempotent. */
    @Override
    public synchronized void close() {
      if (!stopped) {
        stopped = true;
        Hooks.remove(recorder);
      }
    }

    @Override
    public synchronized String toString() {
      return "Trace.Recording["
          + (stopped ? "stopped" : "recording")
          + ", capacity "
          + recorder.capacity()
          + "]";
    }
  }
}
