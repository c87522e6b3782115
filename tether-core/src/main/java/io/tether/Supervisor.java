package io.tether;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Keeps a fixed set of children running, restarting them when they end, as an OTP supervisor does:
 * a strategy decides which children restart together, an intensity limit stops a crash loop, and an
 * exponential backoff with jitter spaces the restarts.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * try (Supervisor sup = Supervisor.builder("ingest")
 *     .strategy(Supervisor.Strategy.REST_FOR_ONE)
 *     .intensity(5, Duration.ofSeconds(30))          // more restarts than that: give up
 *     .backoff(Duration.ofMillis(100), Duration.ofSeconds(10))
 *     .child("connection", Supervisor.Restart.PERMANENT, c -> connect(c))
 *     .child("reader", Supervisor.Restart.PERMANENT, c -> read(c))
 *     .start(ctx)) {
 *   sup.await();                                     // returns when it stops or gives up
 * }
 * }</pre>
 *
 * <h2>Children</h2>
 *
 * Each child is a {@link Service} of the supervisor's, started in the order given; each start waits
 * until the child's body has begun, so a child may rely on the ones before it. A child that ends is
 * restarted according to its {@link Restart} kind; an ended child's failure counts as seen by the
 * supervisor (it acted on it) and is kept in {@link #restarts()} and the registry's history.
 *
 * <h2>Giving up</h2>
 *
 * When a restart would be the {@code maxRestarts + 1}-th within {@code period}, the supervisor
 * stops all children and fails with a {@link TaskFailedException} whose cause is the last child's
 * failure: its owner sees it in {@link #failure()}, {@link #await()} and {@link #close()}. To nest
 * supervisors, run the inner one in a child body and {@code close()} it there: its failure fails
 * that child.
 *
 * <h2>Stopping</h2>
 *
 * Each child runs under a cancellable child of the supervisor's context. {@link #stop(Duration)}
 * stops the children in reverse start order, each within its own {@link Child#stopTimeout()} cut to
 * what is left of the stop's bound; a child that overruns is named in the report as a straggler
 * (with its stack) and the stop goes on to the next. When the bound runs out, every child still
 * running is cancelled at once: a stop never returns leaving a child uncancelled, and its report
 * names every child still alive. Cancelling the owner's context cancels all children at once (law
 * L3); the supervisor then waits for them, last started first, each within its bound. {@link
 * #close()} is a stop with {@link Service#DEFAULT_STOP_TIMEOUT} that throws what the report holds.
 * An interrupted stop keeps waiting within its bound and returns with the interrupt status set.
 *
 * <h2>Failures</h2>
 *
 * A child's end is judged by the rule tasks use: only its cancellation is not a failure; an
 * exception thrown while it is being stopped is a failure, carried by the supervisor's stop report
 * and thrown by {@link #close()}. {@link #restarts()} keeps the newest events only (a crash loop
 * keeps constant memory); {@link #endsHandled()} and {@link #restartsMade()} count them all.
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions before {@link Builder#start} happen-before every child body runs; a child's start
 * happens-before the next child's start (so a child may rely on those before it). A child's end
 * happens-before the supervisor acts on it (its restart, or the restart event that records it). The
 * actions of every child that ended in time happen-before {@link #stop(Duration)} or {@link
 * #close()} return.
 */
public final class Supervisor implements AutoCloseable {

  /** Which children restart when one ends and must be restarted. */
  public enum Strategy {
    /** Only that child. */
    ONE_FOR_ONE,
    /** Every running child: the others are stopped (last started first), then all restart. */
    ONE_FOR_ALL,
    /** That child and every running child started after it (stopped last first, then restarted). */
    REST_FOR_ONE
  }

  /** When a child that ended is restarted. */
  public enum Restart {
    /** Always, however it ended. */
    PERMANENT,
    /** Only if it failed (threw); a child that returns is done. */
    TRANSIENT,
    /** Never: it runs once. */
    TEMPORARY
  }

  /**
   * One child: what to run and how to treat its end.
   *
   * @param name unique among the supervisor's children; shown in paths as {@code sup/name}
   * @param restart when it is restarted
   * @param stopTimeout how long a stop waits for this child before naming it a straggler
   * @param signalsReady whether its body calls {@link Service#ready(Context)}: then the next child
   *     starts only after that (else as soon as this body has begun)
   * @param body the work, run with the child's own context
   */
  public record Child(
      String name, Restart restart, Duration stopTimeout, boolean signalsReady, VoidWork body) {
    /** The stop bound a child gets unless {@link #withStopTimeout} says otherwise. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(5);

    /** Checks the arguments. */
    public Child {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(restart, "restart");
      Service.checkTimeout(stopTimeout, "stopTimeout");
      Objects.requireNonNull(body, "body");
    }

    /** A child with the default stop bound. */
    public static Child of(String name, Restart restart, VoidWork body) {
      return new Child(name, restart, DEFAULT_STOP_TIMEOUT, false, body);
    }

    /** This child with another stop bound. */
    public Child withStopTimeout(Duration timeout) {
      return new Child(name, restart, timeout, signalsReady, body);
    }

    /**
     * This child, whose body signals {@link Service#ready(Context)} when it can serve: the children
     * after it start only then (OTP's {@code init} before {@code start_link} returns). A body that
     * never signals holds up the start until it ends or the supervisor is stopped.
     */
    public Child withReadySignal() {
      return new Child(name, restart, stopTimeout, true, body);
    }
  }

  /**
   * One restart decision: when, which child, how it had ended and why, and the wait before it.
   *
   * @param at when the child's end was handled
   * @param child the child that ended
   * @param ended how it ended: {@link Service.State#TERMINATED} or {@link Service.State#FAILED}
   * @param cause its exception if it failed, else null
   * @param restarted the children restarted for it, in start order (empty: none)
   * @param backoff the wait before restarting
   */
  public record RestartEvent(
      Instant at,
      String child,
      Service.State ended,
      Throwable cause,
      List<String> restarted,
      Duration backoff) {
    /** Copies the list. */
    public RestartEvent {
      restarted = List.copyOf(restarted);
    }

    /**
     * {@code 2026-11-24T15:40:01Z 'worker' FAILED (java.io.IOException: boom): restarted [worker]
     * after 40ms}.
     */
    @Override
    public String toString() {
      return at
          + " '"
          + child
          + "' "
          + ended
          + (cause == null ? "" : " (" + cause + ")")
          + (restarted.isEmpty()
              ? ": not restarted"
              : ": restarted " + restarted + " after " + backoff.toMillis() + "ms");
    }
  }

  /** Starts building a supervisor named {@code name}. */
  public static Builder builder(String name) {
    return new Builder(Service.checkName(name));
  }

  /** Collects a supervisor's strategy, limits and children; {@link #start} starts it. */
  public static final class Builder {
    final String name;
    Strategy strategy = Strategy.ONE_FOR_ONE;
    int maxRestarts = 3;
    Duration period = Duration.ofSeconds(5);
    Duration backoffInitial = Duration.ofMillis(10);
    Duration backoffMax = Duration.ofSeconds(1);
    final List<Child> children = new ArrayList<>();
    final List<Object> sites = new ArrayList<>(); // where each child was added

    private Builder(String name) {
      this.name = name;
    }

    /** The restart strategy; {@link Strategy#ONE_FOR_ONE} unless set. */
    public Builder strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /**
     * At most {@code maxRestarts} restarts within any {@code period}; one more and the supervisor
     * gives up. Default: 3 in 5 seconds.
     *
     * @throws IllegalArgumentException if {@code maxRestarts < 0} or {@code period} is not positive
     */
    public Builder intensity(int maxRestarts, Duration period) {
      Objects.requireNonNull(period, "period");
      if (maxRestarts < 0 || period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException(
            "supervisor '"
                + name
                + "': intensity("
                + maxRestarts
                + ", "
                + period
                + "): need maxRestarts >= 0 and a positive period");
      }
      this.maxRestarts = maxRestarts;
      this.period = period;
      return this;
    }

    /**
     * The wait before a restart: {@code initial}, doubled for each earlier restart within the
     * intensity period, capped at {@code max}, then scaled by a random factor in [0.5, 1) so that
     * restarts of many supervisors do not align. Default: 10 ms to 1 s. Zero: no wait.
     *
     * @throws IllegalArgumentException if either is negative or {@code initial > max}
     */
    public Builder backoff(Duration initial, Duration max) {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(max, "max");
      if (initial.isNegative() || max.isNegative() || initial.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            "supervisor '"
                + name
                + "': backoff("
                + initial
                + ", "
                + max
                + "): need 0 <= initial <= max");
      }
      this.backoffInitial = initial;
      this.backoffMax = max;
      return this;
    }

    /** Adds a child with the default stop bound. */
    public Builder child(String name, Restart restart, VoidWork body) {
      return child(Child.of(name, restart, body));
    }

    /**
     * Adds a child; children start in the order added.
     *
     * @throws IllegalArgumentException if a child of that name was already added
     */
    public Builder child(Child child) {
      Objects.requireNonNull(child, "child");
      for (Child c : children) {
        if (c.name().equals(child.name())) {
          throw new IllegalArgumentException(
              "supervisor '" + name + "': two children named '" + child.name() + "'");
        }
      }
      children.add(child);
      sites.add(SpawnSites.capture(child.body()));
      return this;
    }

    /**
     * Starts the supervisor on {@code ctx} and its children in order; returns once every child's
     * body has begun (or signalled ready). The caller owns it: close it.
     *
     * @throws IllegalArgumentException if no child was added
     * @throws IllegalStateException if the calling thread is interrupted while the children start:
     *     the supervisor is then stopped (within {@link Child#DEFAULT_STOP_TIMEOUT}), the interrupt
     *     status is set, and the stop's failures are suppressed exceptions of this one (with the
     *     report, if it names stragglers), so none is lost
     */
    public Supervisor start(Context ctx) {
      Objects.requireNonNull(ctx, "ctx");
      if (children.isEmpty()) {
        throw new IllegalArgumentException(
            "supervisor '" + name + "' has no children: add them with child(...) before start");
      }
      Supervisor s = new Supervisor(this, ctx);
      try {
        s.loop.awaitStarted(ctx);
      } catch (InterruptedException e) {
        // The stop's report (stragglers, failures it marks seen) travels with the exception.
        StopReport r = s.stop(Child.DEFAULT_STOP_TIMEOUT);
        Thread.currentThread().interrupt();
        throw Service.withReport(
            new IllegalStateException(s.describe() + ": interrupted while starting", e), s, r);
      }
      return s;
    }
  }

  /** How many restart events {@link #restarts()} keeps (the newest); older ones are counted. */
  static final int HISTORY_KEPT = 64;

  private final String name;

  /** The control loop and what it keeps: children, restart intensity, history. */
  private final SupervisorLoop loop;

  /** The supervisor's own service, whose body is the control loop. */
  private final Service control;

  private Supervisor(Builder b, Context ctx) {
    this.name = b.name;
    this.loop = new SupervisorLoop(this, b);
    this.control =
        Service.startOwned(
            ctx, name, loop::supervise, false, s -> new Role(), null, SpawnSites.site());
    loop.start(control);
  }

  // ---- the handle ----

  /** The name given to the builder. */
  public String name() {
    return name;
  }

  /** The supervisor's own state (its control loop's): see {@link Service.State}. */
  public Service.State state() {
    return control.state();
  }

  /** The exception it gave up with, or null (reading it counts as seeing it). */
  public Throwable failure() {
    return control.failure();
  }

  /**
   * The state of the child named {@code child}'s latest incarnation.
   *
   * @throws IllegalArgumentException if there is no such child
   */
  public Service.State childState(String child) {
    Objects.requireNonNull(child, "child");
    return loop.childState(child);
  }

  /**
   * The newest ends it handled (at most the last 64), oldest first: restarts, and ends it did not
   * restart. Older events are only counted ({@link #endsHandled()}, {@link #restartsMade()}): a
   * crash loop keeps a supervisor's memory constant.
   */
  public List<RestartEvent> restarts() {
    return loop.restarts();
  }

  /** How many ends of children it has handled since it started (restarted or not). */
  public long endsHandled() {
    return loop.endsHandled();
  }

  /** How many of those ends it answered with a restart. */
  public long restartsMade() {
    return loop.restartsMade();
  }

  /** Waits until it has stopped or given up; returns TERMINATED or FAILED. */
  public Service.State await() throws InterruptedException {
    return control.await();
  }

  /** Waits at most {@code timeout} for it to stop or give up; returns whether it has. */
  public boolean await(Duration timeout) throws InterruptedException {
    return control.await(timeout);
  }

  /**
   * Stops the children in reverse start order and then the supervisor, waiting at most {@code
   * timeout} in all; each child gets its own {@link Child#stopTimeout()}, cut to what is left of
   * {@code timeout}. Every child is cancelled, even those the time did not reach: when {@code
   * timeout} runs out, whatever still runs under the supervisor is cancelled at once. The report
   * names every child still alive (and the supervisor's own loop, if it is), each with its stack,
   * and carries the supervisor's failure and children's failures nobody restarted, if unseen. If
   * the calling thread is interrupted, it keeps waiting (within the bound) and returns with the
   * interrupt status set. Calling it again reports what is left.
   *
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public StopReport stop(Duration timeout) {
    Service.checkTimeout(timeout, "stop");
    control.refuseFromOwnBody("stop(Duration)");
    long start = System.nanoTime();
    long deadline = start + AbstractContext.saturatedNanos(timeout);
    loop.stopBy(deadline); // before the cancel below, which publishes it to the loop
    control.beginStop();
    control.bodyTask().cancel(); // the loop alone: it stops the children in order
    boolean interrupted = control.awaitBodyEnd(deadline);
    try {
      // Cancels the supervisor's context: any child still running (the loop ran out of time) is
      // cancelled now, and the loop's task is named if it has not ended.
      StopReport r = control.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      return loop.withChildren(r, start);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Stops with {@link Service#DEFAULT_STOP_TIMEOUT}; idempotent.
   *
   * @throws TaskFailedException if it gave up, or a child failed without restart, and nobody saw it
   * @throws IllegalStateException if a child or the supervisor overran its stop bound
   */
  @Override
  public void close() {
    Service.throwIfNotClean(describe(), stop(Service.DEFAULT_STOP_TIMEOUT));
  }

  String describe() {
    return "supervisor '" + name + "'";
  }

  /** {@code Supervisor[ingest, RUNNING, 2 ends handled]}. */
  @Override
  public String toString() {
    return "Supervisor[" + name + ", " + state() + ", " + endsHandled() + " ends handled]";
  }

  /** How the supervisor shows in the registry: its state and its newest restart events. */
  final class Role implements ScopeRole {
    @Override
    public TaskInfo.Kind kind() {
      return TaskInfo.Kind.SUPERVISOR;
    }

    @Override
    public String state() {
      return control == null ? Service.State.STARTING.name() : control.state().name();
    }

    @Override
    public List<Throwable> takeUnseenFailures() {
      List<Throwable> out = new ArrayList<>();
      if (control != null) {
        out.addAll(control.takeUnseenFailures());
      }
      out.addAll(loop.takeUnreported());
      return out;
    }

    @Override
    public List<String> history() {
      return loop.historyLines();
    }
  }
}
