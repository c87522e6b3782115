package io.tether;

import io.tether.Supervisor.Child;
import io.tether.Supervisor.Restart;
import io.tether.Supervisor.RestartEvent;
import io.tether.Supervisor.Strategy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A {@link Supervisor}'s control loop, and all it keeps: the children's specs and latest
 * incarnations, the restart intensity ring, the bounded restart history, what children's stops left
 * unreported. The loop runs as the body of the supervisor's own service ({@code control}); the
 * supervisor's public methods read its state through the package-private methods at the end.
 */
final class SupervisorLoop {
  /** How many restart events the registry's history shows (the newest). */
  private static final int HISTORY_SHOWN = 20;

  private final Strategy strategy;
  private final int maxRestarts;
  private final long periodNanos;
  private final Duration period;
  private final Duration backoffInitial;
  private final Duration backoffMax;
  private final List<Child> specs;
  private final Object[] sites;
  private final Supervisor owner;

  /** The supervisor's own service, whose body this loop is; set once, before the loop runs. */
  private Service control;

  /** Every child's latest incarnation (running or ended); null before its first start. */
  private final AtomicReferenceArray<Service> latest;

  /** Children the control loop considers running (their end is acted on); else null. */
  private final AtomicReferenceArray<Service> running;

  private final ConcurrentLinkedQueue<Ended> endings = new ConcurrentLinkedQueue<>();
  private final Channel<Boolean> doorbell = Channel.buffered(1);
  private final WaitGroup handleSet = new WaitGroup();
  private final WaitGroup started = new WaitGroup();

  /** The newest {@link Supervisor#HISTORY_KEPT} events, oldest first; guarded by itself. */
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

  SupervisorLoop(Supervisor owner, Supervisor.Builder b) {
    this.owner = owner;
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
  }

  /** Hands the loop the service it runs in, and lets it go on (it waits for this first). */
  void start(Service control) {
    this.control = control;
    handleSet.done();
  }

  /** The loop: starts the children, acts on their ends until cancelled, then stops them. */
  void supervise(Context c) throws Exception {
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
          owner.describe()
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
      if (history.size() == Supervisor.HISTORY_KEPT) {
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

  // ---- read by the supervisor's handle ----

  /** Waits until every child has started once (or the start failed or was cancelled). */
  void awaitStarted(Context ctx) throws InterruptedException {
    started.await(ctx);
  }

  /** The state of the child named {@code child}'s latest incarnation. */
  Service.State childState(String child) {
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i).name().equals(child)) {
        Service s = latest.get(i);
        return s == null ? Service.State.STARTING : s.state();
      }
    }
    throw new IllegalArgumentException(owner.describe() + " has no child named '" + child + "'");
  }

  List<RestartEvent> restarts() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  long endsHandled() {
    synchronized (history) {
      return endsHandled;
    }
  }

  long restartsMade() {
    synchronized (history) {
      return restartsMade;
    }
  }

  /** Bounds the loop's ordered stop of the children by {@code deadline}, if that is earlier. */
  void stopBy(long deadline) {
    if (deadline - stopDeadline < 0 || stopDeadline == Long.MAX_VALUE) {
      stopDeadline = deadline;
    }
  }

  /**
   * The supervisor's stop report: its own service's {@code r}, plus every child still alive and the
   * children's failures nobody restarted or saw.
   */
  StopReport withChildren(StopReport r, long start) {
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
  }

  /** Children's failures nobody restarted or has seen, now marked seen. */
  List<Throwable> takeUnreported() {
    return unreported.takeUnseen();
  }

  /** The registry's history lines: the newest events, after a count of older ones. */
  List<String> historyLines() {
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
