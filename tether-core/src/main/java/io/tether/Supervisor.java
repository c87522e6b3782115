package io.tether;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

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
    private final String name;
    private Strategy strategy = Strategy.ONE_FOR_ONE;
    private int maxRestarts = 3;
    private Duration period = Duration.ofSeconds(5);
    private Duration backoffInitial = Duration.ofMillis(10);
    private Duration backoffMax = Duration.ofSeconds(1);
    private final List<Child> children = new ArrayList<>();
    private final List<Object> sites = new ArrayList<>(); // where each child was added

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
        s.started.await(ctx);
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

  /** How many restart events the registry's history shows (the newest). */
  private static final int HISTORY_SHOWN = 20;

  /** How many restart events {@link #restarts()} keeps (the newest); older ones are counted. */
  static final int HISTORY_KEPT = 64;

  private final String name;
  private final Strategy strategy;
  private final int maxRestarts;
  private final long periodNanos;
  private final Duration period;
  private final Duration backoffInitial;
  private final Duration backoffMax;
  private final List<Child> specs;
  private final Object[] sites;
  private final Service control;

  /** Every child's latest incarnation (running or ended); null before its first start. */
  private final AtomicReferenceArray<Service> latest;

  /** Children the control loop considers running (their end is acted on); else null. */
  private final AtomicReferenceArray<Service> running;

  private final ConcurrentLinkedQueue<Ended> endings = new ConcurrentLinkedQueue<>();
  private final Channel<Boolean> doorbell = Channel.buffered(1);
  private final WaitGroup handleSet = new WaitGroup();
  private final WaitGroup started = new WaitGroup();

  /** The newest {@link #HISTORY_KEPT} events, oldest first; guarded by itself. */
  private final ArrayDeque<RestartEvent> history = new ArrayDeque<>();

  /** Every end handled, and every restart made, since the start; guarded by {@link #history}. */
  private long endsHandled;

  private long restartsMade;

  private final List<TaskInfo> childStragglers = new CopyOnWriteArrayList<>();
  private final FailureLog unreported = new FailureLog();

  /**
   * When each of the latest restarts happened ({@link System#nanoTime()}), a ring of at most {@code
   * maxRestarts} entries: all the intensity rule needs. Control thread only.
   */
  private long[] restartTimes = new long[0];

  private int restartHead; // index of the oldest entry

  private int restartCount; // entries in the ring

  /**
   * The deadline ({@link System#nanoTime()}) of the first explicit {@link #stop}, which bounds the
   * control loop's ordered stop of the children; {@link Long#MAX_VALUE} until then.
   */
  private volatile long stopDeadline = Long.MAX_VALUE;

  private record Ended(int index, Service incarnation) {}

  private Supervisor(Builder b, Context ctx) {
    this.name = b.name;
    this.strategy = b.strategy;
    this.maxRestarts = b.maxRestarts;
    this.period = b.period;
    this.periodNanos = AbstractContext.saturatedNanos(b.period);
    this.backoffInitial = b.backoffInitial;
    this.backoffMax = b.backoffMax;
    this.specs = List.copyOf(b.children);
    this.sites = b.sites.toArray();
    this.latest = new AtomicReferenceArray<>(specs.size());
    this.running = new AtomicReferenceArray<>(specs.size());
    handleSet.add(1);
    started.add(1);
    this.control =
        Service.startOwned(
            ctx, name, this::supervise, false, s -> new Role(), null, SpawnSites.site());
    handleSet.done();
  }

  // ---- the control loop (runs as the supervisor's own service body) ----

  private void supervise(Context c) throws Exception {
    handleSet.await();
    // Each child runs under a cancellable child of the supervisor's context (its service's own
    // scope): cancelling the supervisor from above cancels every child at once (law L3). An
    // explicit stop cancels only this loop's own context: the loop then stops the children itself,
    // in reverse start order, each within its own bound (and within the stop's).
    Context childParent = control.scopeContext();
    boolean startSignalled = false;
    try {
      for (int i = 0; i < specs.size(); i++) {
        startChild(i, childParent, c);
      }
      started.done();
      startSignalled = true;
      while (!c.isDone()) {
        Ended e = endings.poll();
        if (e == null) {
          Select.select(doorbell.onReceive(x -> x), c.onDone(() -> Boolean.FALSE));
        } else if (running.get(e.index()) == e.incarnation()) {
          childEnded(e.index(), e.incarnation(), childParent, c);
        }
        // else: an incarnation this loop stopped itself; its stop was already reported
      }
    } finally {
      if (!startSignalled) {
        started.done(); // wakes the starter: the start itself failed or was cancelled
      }
      boolean interrupted = Thread.interrupted(); // the stop's interrupt must not cut the waits
      try {
        stopChildren(0, specs.size());
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private void startChild(int i, Context childParent, Context c) throws InterruptedException {
    Child spec = specs.get(i);
    Service svc =
        Service.startOwned(
            childParent,
            spec.name(),
            spec.body(),
            spec.signalsReady(),
            null,
            (s, from, to) -> {
              if (to.isTerminal()) {
                endings.add(new Ended(i, s));
                doorbell.trySend(Boolean.TRUE);
              }
            },
            sites[i]);
    latest.set(i, svc);
    running.set(i, svc);
    svc.awaitStarted(c);
  }

  private void childEnded(int i, Service ended, Context childParent, Context c) throws Exception {
    running.set(i, null);
    Service.State how = ended.state();
    Throwable cause = ended.failure(); // the supervisor has seen it: it acts on it here
    Child spec = specs.get(i);
    // Its body has ended; the stop waits for the last step of its task's end and releases it.
    absorb(ended.stop(spec.stopTimeout()));
    boolean restart =
        spec.restart() == Restart.PERMANENT
            || spec.restart() == Restart.TRANSIENT && how == Service.State.FAILED;
    if (!restart) {
      if (cause != null) {
        unreported.add(cause); // nobody restarts it: the owner hears of it at the stop
      }
      record(new RestartEvent(Instant.now(), spec.name(), how, cause, List.of(), Duration.ZERO));
      return;
    }
    long now = System.nanoTime();
    while (restartCount > 0 && now - restartTimes[restartHead] > periodNanos) {
      restartHead = (restartHead + 1) % restartTimes.length;
      restartCount--;
    }
    if (restartCount >= maxRestarts) {
      record(new RestartEvent(Instant.now(), spec.name(), how, cause, List.of(), Duration.ZERO));
      throw new TaskFailedException(
          describe()
              + " gave up: child '"
              + spec.name()
              + "' ended ("
              + how
              + (cause == null ? "" : ": " + cause)
              + ") and another restart would exceed "
              + maxRestarts
              + " within "
              + period
              + "; its children are stopped",
          cause);
    }
    Duration delay = backoff(restartCount);
    noteRestart(now);

    List<Integer> group = restartGroup(i);
    // Stop the rest of the group, last started first; temporary ones are not brought back.
    for (int k = group.size() - 1; k >= 0; k--) {
      int j = group.get(k);
      if (j != i) {
        stopChild(j);
      }
    }
    List<Integer> again = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int j : group) {
      if (j == i || specs.get(j).restart() != Restart.TEMPORARY) {
        again.add(j);
        names.add(specs.get(j).name());
      }
    }
    record(new RestartEvent(Instant.now(), spec.name(), how, cause, names, delay));
    for (String restarted : names) {
      Hooks.restarted(control.path(), restarted); // telemetry
    }
    if (!delay.isZero() && c.await(delay)) {
      return; // stopped during the backoff
    }
    for (int j : again) {
      if (c.isDone()) {
        return;
      }
      startChild(j, childParent, c);
    }
  }

  /** Adds a restart time to the ring (which has fewer than {@code maxRestarts} entries). */
  private void noteRestart(long now) {
    if (restartCount == restartTimes.length) { // grows by doubling, up to maxRestarts
      long[] bigger = new long[Math.min(maxRestarts, Math.max(4, restartTimes.length * 2))];
      for (int k = 0; k < restartCount; k++) {
        bigger[k] = restartTimes[(restartHead + k) % restartTimes.length];
      }
      restartTimes = bigger;
      restartHead = 0;
    }
    restartTimes[(restartHead + restartCount) % restartTimes.length] = now;
    restartCount++;
  }

  /** Keeps {@code e} in the bounded history and counts it. */
  private void record(RestartEvent e) {
    synchronized (history) {
      endsHandled++;
      if (!e.restarted().isEmpty()) {
        restartsMade++;
      }
      if (history.size() == HISTORY_KEPT) {
        history.pollFirst();
      }
      history.addLast(e);
    }
  }

  /** The children that restart together with child {@code i}, in start order. */
  private List<Integer> restartGroup(int i) {
    List<Integer> group = new ArrayList<>();
    for (int j = 0; j < specs.size(); j++) {
      boolean member =
          switch (strategy) {
            case ONE_FOR_ONE -> j == i;
            case ONE_FOR_ALL -> j == i || running.get(j) != null;
            case REST_FOR_ONE -> j == i || j > i && running.get(j) != null;
          };
      if (member) {
        group.add(j);
      }
    }
    return group;
  }

  /** Stops the running children in {@code [from, to)}, last first, each within its own bound. */
  private void stopChildren(int from, int to) {
    for (int j = to - 1; j >= from; j--) {
      stopChild(j);
    }
  }

  private void stopChild(int j) {
    Service svc = running.getAndSet(j, null); // its end event is stale from now on
    if (svc == null) {
      return;
    }
    // Its own bound, cut to what is left of an explicit stop's: a stop that has run out of time
    // still cancels the child (a zero wait), so none is left running uncancelled.
    Duration bound = specs.get(j).stopTimeout();
    long deadline = stopDeadline;
    if (deadline != Long.MAX_VALUE) {
      long left = Math.max(0, deadline - System.nanoTime());
      if (left < AbstractContext.saturatedNanos(bound)) {
        bound = Duration.ofNanos(left);
      }
    }
    absorb(svc.stop(bound));
  }

  /** Keeps what a child's stop found for the supervisor's own stop report. */
  private void absorb(StopReport r) {
    childStragglers.addAll(r.stragglers());
    unreported.addAll(r.failures());
  }

  private Duration backoff(int earlierRestarts) {
    long initial = backoffInitial.toNanos();
    if (initial == 0) {
      return Duration.ZERO;
    }
    long max = backoffMax.toNanos();
    long base =
        earlierRestarts >= 62 || initial > (max >> Math.min(earlierRestarts, 62))
            ? max
            : Math.min(max, initial << earlierRestarts);
    long jittered = base / 2 + (long) (ThreadLocalRandom.current().nextDouble() * (base / 2.0));
    return Duration.ofNanos(Math.max(1, jittered));
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
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i).name().equals(child)) {
        Service s = latest.get(i);
        return s == null ? Service.State.STARTING : s.state();
      }
    }
    throw new IllegalArgumentException(describe() + " has no child named '" + child + "'");
  }

  /**
   * The newest ends it handled (at most the last 64), oldest first: restarts, and ends it did not
   * restart. Older events are only counted ({@link #endsHandled()}, {@link #restartsMade()}): a
   * crash loop keeps a supervisor's memory constant.
   */
  public List<RestartEvent> restarts() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  /** How many ends of children it has handled since it started (restarted or not). */
  public long endsHandled() {
    synchronized (history) {
      return endsHandled;
    }
  }

  /** How many of those ends it answered with a restart. */
  public long restartsMade() {
    synchronized (history) {
      return restartsMade;
    }
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
    if (deadline - stopDeadline < 0 || stopDeadline == Long.MAX_VALUE) {
      stopDeadline = deadline; // before the cancel below, which publishes it to the loop
    }
    control.beginStop();
    control.bodyTask().cancel(); // the loop alone: it stops the children in order
    boolean interrupted = control.awaitBodyEnd(deadline);
    try {
      // Cancels the supervisor's context: any child still running (the loop ran out of time) is
      // cancelled now, and the loop's task is named if it has not ended.
      StopReport r = control.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      List<TaskInfo> stragglers = new ArrayList<>(r.stragglers());
      Set<Long> ids = new HashSet<>();
      for (TaskInfo t : stragglers) {
        ids.add(t.id());
      }
      Registry.Snapshot at = new Registry.Snapshot();
      for (int i = 0; i < specs.size(); i++) {
        Service s = latest.get(i);
        if (s != null && !s.bodyTask().isEnded() && ids.add(s.bodyTask().id())) {
          s.bodyTask().straggler = true;
          stragglers.add(s.bodyTask().info(at, true));
        }
      }
      // An earlier incarnation that overran its stop stays named until its thread has ended.
      childStragglers.removeIf(t -> t.thread() == null || !t.thread().isAlive());
      for (TaskInfo t : childStragglers) {
        if (ids.add(t.id())) {
          stragglers.add(t);
        }
      }
      List<Throwable> failures = new ArrayList<>(r.failures());
      failures.addAll(unreported.takeUnseen());
      return new StopReport(stragglers, failures, Duration.ofNanos(System.nanoTime() - start));
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
      out.addAll(unreported.takeUnseen());
      return out;
    }

    @Override
    public List<String> history() {
      List<RestartEvent> all;
      long ends;
      long made;
      synchronized (history) {
        all = List.copyOf(history);
        ends = endsHandled;
        made = restartsMade;
      }
      List<String> out = new ArrayList<>();
      int shown = Math.min(HISTORY_SHOWN, all.size());
      if (ends > shown) {
        out.add(
            (ends - shown)
                + " earlier end(s) not shown; "
                + ends
                + " handled in all, "
                + made
                + " restarted");
      }
      for (RestartEvent e : all.subList(all.size() - shown, all.size())) {
        out.add(e.toString());
      }
      return out;
    }
  }
}
