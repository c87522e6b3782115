package io.tether;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A long-running owned component: one body on its own task, with a state, a bounded stop and a
 * failure that always reaches someone. Go's "owning struct" (a worker with its {@code Close}),
 * Guava's {@code Service}, an OTP {@code gen_server} without the mailbox.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * try (Service heartbeat = Service.start(ctx, "heartbeat", c -> {
 *   try (Ticker t = Ticker.start(c, Duration.ofSeconds(1))) {
 *     for (Instant tick : t) {
 *       beat(tick);
 *     }
 *   }
 * })) {
 *   ...                                  // the service runs while the block runs
 * }                                      // close(): cancel, wait (bounded), report
 * }</pre>
 *
 * <h2>States</h2>
 *
 * <pre>
 * STARTING --(body begins; or Service.ready(c) with startAndAwaitReady)--> RUNNING
 * STARTING, RUNNING --(stop(), close(), or the owner's context cancelled)--> STOPPING
 * any of those --(body returns, or throws its cancellation)--> TERMINATED
 * any of those --(body throws anything else, before or after a stop)--> FAILED
 * </pre>
 *
 * States only move forward ({@link State} is ordered). A body that ends by itself, without a stop,
 * goes straight to TERMINATED or FAILED. The service's context is a child of the one it was started
 * on: cancelling that one stops the service too. When the body ends, the service's context is
 * released (cancelled), so nothing of a service that ended stays linked on its owner's context.
 *
 * <h2>Failure</h2>
 *
 * Whether a body that threw FAILED is decided by the same rule as for a {@link Task}: only the
 * cancellation itself ({@code CancellationException}, {@code InterruptedException}, an
 * interrupt-shaped I/O exception or the context's own cause, thrown once the context is done) is
 * not a failure. An {@code IOException} thrown while stopping is a failure (law L4). A body's
 * exception is the service's {@link #failure()}; reading it there, or getting it from {@link
 * #stop(Duration)}'s report, counts as seeing it. {@link #close()} throws a failure nobody has
 * seen. A listener's exception is never lost either: it is added to the failures the next {@code
 * stop} reports and {@code close} throws.
 *
 * <h2>Listeners</h2>
 *
 * {@link #addListener(Listener)} hears every later transition, in the order the transitions
 * happened, one at a time, never under a lock (Guava's {@code AbstractService}): each transition is
 * queued as it happens, and the thread that made it delivers the queue unless another thread is
 * delivering already, which then delivers it too. So a listener never runs concurrently with itself
 * or another listener of the same service, and never hears STOPPING -&gt; TERMINATED before RUNNING
 * -&gt; STOPPING. Keep listeners short: {@link #await()} returns only after every listener has
 * heard the end, and a listener must not wait for its own service.
 *
 * <h2>Stopping and interrupts</h2>
 *
 * {@link #stop(Duration)} cancels the service's context, so its body's thread is interrupted, and
 * waits at most the given time. If the thread calling {@code stop} or {@code close} is interrupted,
 * it keeps waiting (within the bound) and returns with the interrupt status set, as {@code
 * Scope.close()} does: the report, and the failure it carries, are never dropped.
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions before {@code start} happen-before the body runs. The body's actions happen-before {@link
 * #await()} returns, {@link #stop(Duration)} returns a report that does not name the body, {@link
 * #close()} returns, and {@link #state()} reads TERMINATED or FAILED. A transition happens-before
 * every listener call that hears it, and each listener call happens-before the next one of the same
 * service.
 *
 * <h2>Bad input</h2>
 *
 * {@code null} arguments throw {@link NullPointerException} naming them; negative durations throw
 * {@link IllegalArgumentException}; {@code stop}/{@code close}/{@code await} from the service's own
 * body throw {@link IllegalStateException} (they would wait for themselves).
 */
public final class Service implements AutoCloseable {

  /** The bound {@link #close()} puts on its stop. */
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

  /** Where a service is in its life; ordered: a service only moves to later states. */
  public enum State {
    /** Started; the body has not begun, or has not yet signalled {@link Service#ready}. */
    STARTING,
    /** The body runs (and, if asked for, has signalled ready). */
    RUNNING,
    /** Asked to stop: its context is cancelled; the body has not ended yet. */
    STOPPING,
    /** The body ended: it returned, or threw after being cancelled. */
    TERMINATED,
    /** The body threw while nobody had asked it to stop: see {@link Service#failure()}. */
    FAILED;

    /** Whether the body has ended. */
    public boolean isTerminal() {
      return this == TERMINATED || this == FAILED;
    }
  }

  /** Hears a service's state transitions. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Called once per transition, after it happened. An exception thrown here is kept and reported
     * by the service's next stop (and close), never swallowed.
     */
    void stateChanged(Service service, State from, State to) throws Exception;
  }

  private final String name;
  private final Scope scope;

  /** The service's registry path ({@code app/ingest}); for telemetry. */
  String path() {
    return scope.path();
  }

  private final Task<Void> task;

  /** The state, its transitions and the listeners that hear them. */
  private final ServiceLifecycle lifecycle;

  private Service(
      Context ctx,
      String name,
      Object body, // a VoidWork, or a ReadyWork
      boolean signalsReady,
      Function<Service, ScopeRole> role,
      Listener first,
      Object site) {
    this.name = name;
    this.lifecycle = new ServiceLifecycle(this, first); // before the body can run
    this.scope = Scope.supervised(ctx, name);
    scope.role(role == null ? new Role() : role.apply(this));
    // The body's task shows where the user started the service, not this line.
    this.task =
        scope.goAt(
            "run",
            c -> runBody(c, body, signalsReady),
            site != null ? site : SpawnSites.capture(body));
  }

  /**
   * For components built on a service (a supervisor, its children): {@code role} says how it shows
   * in the registry (null: as a service); {@code first} hears every transition (or null); {@code
   * site} is the spawn site to show (null: the caller's).
   */
  static Service startOwned(
      Context ctx,
      String name,
      VoidWork body,
      boolean signalsReady,
      Function<Service, ScopeRole> role,
      Listener first,
      Object site) {
    return new Service(ctx, name, body, signalsReady, role, first, site);
  }

  /** Waits until the body has begun (or signalled ready) or ended, or {@code ctx} is done. */
  void awaitStarted(Context ctx) throws InterruptedException {
    lifecycle.readyOrEnded.await(ctx);
  }

  /** The context of the service's scope: what its body's task and sub-components hang under. */
  Context scopeContext() {
    return scope.context();
  }

  /**
   * Starts {@code body} as a service named {@code name}, owned by the caller (close it). The state
   * is RUNNING as soon as the body begins; returns at once.
   *
   * @throws NullPointerException if an argument is null
   */
  public static Service start(Context ctx, String name, VoidWork body) {
    return new Service(
        ctx, checkName(name), Objects.requireNonNull(body, "body"), false, null, null, null);
  }

  /**
   * Starts {@code body} and waits until it calls {@link #ready(Context)} (OTP's {@code start_link},
   * Guava's {@code awaitRunning}): when this returns, the service is RUNNING. If the body ends
   * first, or the time runs out, or the caller is interrupted, the service is stopped (within
   * {@code readyTimeout} again) and this throws.
   *
   * @throws TaskFailedException if the body failed before it was ready (its exception is the cause)
   * @throws IllegalStateException if the body returned, or was cancelled, before it was ready
   * @throws TimeoutException if it was not ready within {@code readyTimeout}
   * @throws InterruptedException if interrupted while waiting
   * @throws IllegalArgumentException if {@code readyTimeout} is negative
   */
  public static Service startAndAwaitReady(
      Context ctx, String name, Duration readyTimeout, VoidWork body)
      throws InterruptedException, TimeoutException {
    return awaitReady(ctx, name, readyTimeout, Objects.requireNonNull(body, "body"));
  }

  private static Service awaitReady(Context ctx, String name, Duration readyTimeout, Object body)
      throws InterruptedException, TimeoutException {
    checkTimeout(readyTimeout, "startAndAwaitReady");
    Service s = new Service(ctx, checkName(name), body, true, null, null, null);
    boolean inTime;
    try {
      inTime = s.lifecycle.readyOrEnded.await(readyTimeout);
    } catch (InterruptedException e) {
      // The stop's report (a straggler, a failure it marks seen) travels with the exception.
      throw withReport(e, s, s.stop(readyTimeout));
    }
    if (s.lifecycle.wasReady()) {
      return s;
    }
    if (!inTime) {
      StopReport r = s.stop(readyTimeout);
      TimeoutException e =
          new TimeoutException(
              s.describe()
                  + " did not signal Service.ready(ctx) within "
                  + readyTimeout
                  + "; "
                  + r);
      r.failures().forEach(e::addSuppressed); // marked seen by the stop: not dropped here
      throw e;
    }
    s.lifecycle.ended.await(); // it has ended: the wait is for the last step of its end
    Throwable f = s.failure(); // seen here, so the close below does not throw it again
    s.scope.close();
    if (f != null) {
      throw new TaskFailedException(s.describe() + " failed before it was ready: " + f, f);
    }
    throw new IllegalStateException(
        s.describe()
            + " ended ("
            + s.lifecycle.state()
            + ") before it signalled Service.ready(ctx)");
  }

  /**
   * A service body that is handed its readiness signal: {@code ready.run()} makes the service
   * RUNNING and lets {@link #startReady(Context, String, Duration, ReadyWork)} return. Calling it
   * again is a no-op; it may be called from any thread (a task the body spawned, a callback), and
   * it is an explicit link to its service, where {@link #ready(Context)} has to find the service
   * from a context.
   */
  @FunctionalInterface
  public interface ReadyWork {
    /** Runs the body with its context and its readiness signal. */
    void run(Context ctx, Runnable ready) throws Exception;
  }

  /**
   * Like {@link #startAndAwaitReady(Context, String, Duration, VoidWork)}, with a body that is
   * handed its readiness signal (a name of its own: an overload would make method references such
   * as {@code Context::await} ambiguous):
   *
   * <pre>{@code
   * Service http = Service.startReady(ctx, "http", Duration.ofSeconds(5), (c, ready) -> {
   *   try (ServerSocket socket = bind(8080)) {
   *     ready.run();                       // bound: the starter returns now
   *     serve(c, socket);
   *   }
   * });
   * }</pre>
   *
   * @throws TaskFailedException if the body failed before it was ready (its exception is the cause)
   * @throws IllegalStateException if the body returned, or was cancelled, before it was ready
   * @throws TimeoutException if it was not ready within {@code readyTimeout}
   * @throws InterruptedException if interrupted while waiting
   * @throws IllegalArgumentException if {@code readyTimeout} is negative
   */
  public static Service startReady(Context ctx, String name, Duration readyTimeout, ReadyWork body)
      throws InterruptedException, TimeoutException {
    return awaitReady(ctx, name, readyTimeout, Objects.requireNonNull(body, "body"));
  }

  /**
   * Signals, from a service body started with {@link #startAndAwaitReady}, that it is ready: the
   * service becomes RUNNING and the starter returns. {@code ctx} is the body's context or one
   * derived from it (also inside tasks the body spawned). Idempotent; a no-op for a service started
   * with {@link #start}, which is RUNNING from the beginning.
   *
   * @throws IllegalStateException if {@code ctx} does not belong to a service body
   */
  public static void ready(Context ctx) {
    Objects.requireNonNull(ctx, "ctx");
    Service s = of(Registry.owner((AbstractContext) ctx));
    if (s == null) {
      throw new IllegalStateException(
          "Service.ready("
              + ctx
              + "): this context is not inside a service body; call it with the"
              + " context the body was given");
    }
    s.lifecycle.becomeReady();
  }

  private static Service of(Object owner) {
    while (owner != null) {
      Scope sc =
          switch (owner) {
            case Task<?> t -> t.scope;
            case Scope s -> s;
            default -> throw new AssertionError(owner);
          };
      if (sc.role() instanceof Role r) {
        return r.service();
      }
      if (sc.role() instanceof Supervisor.Role) {
        return null; // a supervisor's control loop is not a service body
      }
      owner = sc.owner();
    }
    return null;
  }

  // ---- the body ----

  private volatile Throwable failure;
  private volatile boolean failureSeen;

  /**
   * The body's task. The service, not the scope, keeps the body's failure: whether it FAILED is
   * decided here, once, as it ends, so a stop that arrives while the end is being recorded cannot
   * turn a failure into a cancellation.
   */
  private void runBody(Context c, Object body, boolean signalsReady) {
    if (!signalsReady) {
      lifecycle.becomeReady();
    }
    Throwable thrown = null;
    try {
      if (body instanceof ReadyWork w) {
        w.run(c, lifecycle::becomeReady); // the handle: an explicit link, no search
      } else {
        ((VoidWork) body).run(c);
      }
    } catch (Exception | Error e) {
      thrown = e;
    }
    // The one rule shared with tasks (law L4): only the cancellation itself is not a failure;
    // anything else a body throws, even after a stop, is.
    boolean failed = thrown != null && !Outcomes.isCancellation(thrown, c);
    if (failed) {
      failure = thrown; // before the state: a listener told of FAILED can read it
    }
    scope.seal(); // nothing else runs here: the scope leaves the registry as this task ends
    lifecycle.end(failed ? State.FAILED : State.TERMINATED);
    // Release the scope's context: it is linked on the owner's context, and a body that returned
    // by itself must leave nothing reachable from a live context that the registry does not show.
    // (Cancelling it cancels only what the body left running under its own context.)
    scope.cancel();
    lifecycle.dispatch();
  }

  // ---- the handle ----

  /** The name given at start. */
  public String name() {
    return name;
  }

  /**
   * The state now. While the owner's context is being cancelled and the body has not ended, this
   * reads STOPPING.
   */
  public State state() {
    State s = lifecycle.state();
    if (!s.isTerminal() && s != State.STOPPING && scope.context().isDone()) {
      return State.STOPPING;
    }
    return s;
  }

  /** The service's context: cancelled when it is stopped (or its owner's is). */
  public Context context() {
    return task.context();
  }

  /**
   * The body's exception if the service FAILED, else null. Reading it counts as seeing it: {@link
   * #close()} does not throw it afterwards.
   */
  public Throwable failure() {
    if (lifecycle.state() != State.FAILED) {
      return null;
    }
    failureSeen = true;
    return failure;
  }

  /**
   * Hears every later transition (see the class comment). A listener added after the end hears
   * nothing.
   */
  public void addListener(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    lifecycle.addListener(listener);
  }

  /**
   * Waits for the body to end; returns TERMINATED or FAILED.
   *
   * @throws InterruptedException if interrupted while waiting (the service goes on)
   * @throws IllegalStateException if called from the service's own body
   */
  public State await() throws InterruptedException {
    refuseFromOwnBody("await()");
    lifecycle.ended.await();
    return lifecycle.state();
  }

  /** Waits at most {@code timeout} for the body to end; returns whether it has. */
  public boolean await(Duration timeout) throws InterruptedException {
    checkTimeout(timeout, "await");
    refuseFromOwnBody("await(Duration)");
    return lifecycle.ended.await(timeout);
  }

  /**
   * Stops the service: cancels its context (interrupting its thread), waits at most {@code timeout}
   * for the body to end, and reports. The report names the body's task as a straggler, with its
   * stack, if it did not end in time, and carries the body's failure (if nobody had seen it) and
   * any listener's exception. Calling it again reports what is left.
   *
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws IllegalStateException if called from the service's own body
   */
  public StopReport stop(Duration timeout) {
    checkTimeout(timeout, "stop");
    refuseFromOwnBody("stop(Duration)");
    long start = System.nanoTime();
    long deadline = start + AbstractContext.saturatedNanos(timeout);
    lifecycle.moveTo(State.STOPPING);
    scope.cancel();
    boolean interrupted = awaitBodyEnd(deadline);
    try {
      return report(start, timeout);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Waits until the body has ended or {@code deadline} ({@link System#nanoTime()}) passes, through
   * interrupts, as {@code Scope.close()} does: an interrupted stop would otherwise drop its report
   * and the failure it carries. Returns whether the thread was interrupted (the status is cleared;
   * the caller restores it).
   */
  boolean awaitBodyEnd(long deadline) {
    boolean interrupted = Thread.interrupted();
    while (true) {
      try {
        lifecycle.bodyEnded.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  /**
   * The report of a stop begun at {@code start}: closes the scope (its context is cancelled
   * already), names the body's task if it is still running, and carries the body's failure (if
   * nobody had seen it) and every listener's exception. Call with the interrupt status clear.
   */
  private StopReport report(long start, Duration timeout) {
    boolean bodyDone = lifecycle.bodyEnded.count() == 0;
    // Once the body has ended, what is left of its task is a few steps of Tether's own (no user
    // code): wait for them in full, so an ended body is never named a straggler.
    Duration rest =
        bodyDone
            ? (timeout.compareTo(DEFAULT_STOP_TIMEOUT) > 0 ? timeout : DEFAULT_STOP_TIMEOUT)
            : Duration.ofNanos(Math.max(0, remaining(start, timeout)));
    StopReport r = scope.stop(rest);
    List<Throwable> failures = new ArrayList<>(r.failures());
    if (lifecycle.state() == State.FAILED && !failureSeen) {
      failureSeen = true;
      failures.add(failure);
    }
    failures.addAll(lifecycle.takeListenerFailures());
    return new StopReport(r.stragglers(), failures, Duration.ofNanos(System.nanoTime() - start));
  }

  private static long remaining(long start, Duration timeout) {
    return start + AbstractContext.saturatedNanos(timeout) - System.nanoTime();
  }

  /** For a supervisor: marks this service STOPPING (telling listeners) without cancelling it. */
  void beginStop() {
    lifecycle.moveTo(State.STOPPING);
  }

  /**
   * Stops with {@link #DEFAULT_STOP_TIMEOUT}. Idempotent.
   *
   * @throws TaskFailedException if the body failed and nobody had seen it, or a listener threw
   * @throws IllegalStateException if the body is still running after the bound (its stack is in the
   *     message; it stays in the registry as a straggler), or if called from the body itself
   */
  @Override
  public void close() {
    throwIfNotClean(describe(), stop(DEFAULT_STOP_TIMEOUT));
  }

  /**
   * Adds what a stop found to {@code e}, so that giving up on a start never drops a failure: each
   * failure as a suppressed exception, and the report if it names stragglers.
   */
  static <E extends Exception> E withReport(E e, Object what, StopReport r) {
    if (!r.stragglers().isEmpty()) {
      e.addSuppressed(new IllegalStateException(what + " did not stop: " + r));
    }
    r.failures().forEach(e::addSuppressed);
    return e;
  }

  /** What close() does with a stop's report: stragglers, then failures, are thrown. */
  static void throwIfNotClean(String what, StopReport r) {
    if (!r.stragglers().isEmpty()) {
      throw new IllegalStateException(what + " did not stop: " + r);
    }
    if (!r.failures().isEmpty()) {
      throw FailureLog.exception(what + " failed: ", r.failures());
    }
  }

  void refuseFromOwnBody(String what) {
    if (Thread.currentThread() == task.thread) {
      throw new IllegalStateException(
          describe()
              + ": "
              + what
              + " called from its own body would wait for itself; return from the body (or"
              + " cancel its context) instead");
    }
  }

  /** The body's failure and listeners' exceptions nobody has seen, now marked seen. */
  List<Throwable> takeUnseenFailures() {
    List<Throwable> out = new ArrayList<>(1);
    if (lifecycle.state() == State.FAILED && !failureSeen) {
      failureSeen = true;
      out.add(failure);
    }
    out.addAll(lifecycle.takeListenerFailures());
    return out;
  }

  Task<Void> bodyTask() {
    return task;
  }

  String describe() {
    return "service '" + name + "'";
  }

  /** {@code Service[heartbeat, RUNNING]}. */
  @Override
  public String toString() {
    return "Service[" + scope.path() + ", " + state() + "]";
  }

  static String checkName(String name) {
    return Objects.requireNonNull(name, "name");
  }

  static void checkTimeout(Duration timeout, String what) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException(what + "(" + timeout + "): negative timeout");
    }
  }

  /** How the service's scope shows in the registry. */
  private final class Role implements ScopeRole {
    Service service() {
      return Service.this;
    }

    @Override
    public TaskInfo.Kind kind() {
      return TaskInfo.Kind.SERVICE;
    }

    @Override
    public String state() {
      return Service.this.state().name();
    }

    @Override
    public List<String> history() {
      return List.of();
    }

    @Override
    public List<Throwable> takeUnseenFailures() {
      return Service.this.takeUnseenFailures();
    }
  }
}
