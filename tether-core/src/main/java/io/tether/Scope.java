package io.tether;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadFactory;

/**
 * The owner of tasks: structured fan-out in which no task outlives the block that spawned it. Go's
 * {@code errgroup}, Trio's nursery, the JDK's {@code StructuredTaskScope} — stable, and on JDK 21.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * try (Scope scope = Scope.open(ctx, "ingest")) {
 *   scope.limit(8);                                   // at most 8 at once
 *   for (URI u : uris) {
 *     scope.go("fetch " + u, c -> store(c, fetch(c, u)));
 *   }
 *   scope.join();                                     // all ended; first failure thrown here
 * }                                                   // close(): nothing can still be running
 * }</pre>
 *
 * <h2>Failure</h2>
 *
 * A scope from {@link #open(Context)} is fail-fast: the first task that fails cancels the scope's
 * context (so its siblings are cancelled), and {@link #join()} throws {@link TaskFailedException}
 * with that failure as the cause and later ones suppressed. A scope from {@link
 * #supervised(Context)} lets siblings run on; each failure is on its task's handle and {@code
 * join()} does not throw it. Either way no failure is only logged: {@link #close()} throws any
 * failure nobody has seen (law L4). Which throwables are failures and which the cancellation itself
 * is decided by one rule, described in {@link Task}: anything but the cancellation is a failure,
 * even when thrown after a cancel.
 *
 * <h2>Cancelled from outside: no silent partial work</h2>
 *
 * If the scope's context is cancelled from outside (its parent context was cancelled, or a deadline
 * above it passed), not by the scope itself ({@link #cancel()}, a fail-fast failure, {@code close},
 * {@code stop}), and some task therefore did not succeed, {@link #join()} throws the context's
 * error: a {@link DeadlineExceededException} naming the deadline, or a {@link
 * CancellationException} whose cause is the cancel's cause. So does {@link #map} and, when no
 * contender won, {@link #race}; Go's {@code errgroup.Wait} returns {@code ctx.Err()} the same way.
 * If every task succeeded anyway, {@code join()} returns normally. {@link #close()} stays quiet
 * about cancellation: it throws only failures nobody has seen.
 *
 * <h2>Cancellation and exit</h2>
 *
 * <ul>
 *   <li>Each task runs on its own virtual thread with its own child of the scope's context. {@link
 *       #cancel()} (or the parent context being cancelled) cancels them all: every task thread is
 *       interrupted, so JDK blocking calls wake, except a task parked in a Tether wait that the
 *       cancellation ends, which is woken directly. Scopes opened on a task's context are cancelled
 *       with it.
 *   <li>{@link #close()} cancels whatever still runs and waits for every task to end: it never
 *       returns while a task is alive (law L2). If interrupted it keeps waiting and returns with
 *       the interrupt status set. Closing is idempotent; closing from one of the scope's own tasks
 *       is refused (it would wait for itself).
 *   <li>{@link #stop(Duration)} bounds that wait and returns a {@link StopReport} naming each task
 *       still alive with its stack; those stay in the registry, marked as stragglers, until they
 *       end.
 *   <li>Any thread may spawn into a scope it holds; after close or stop, spawning throws {@link
 *       IllegalStateException} naming where the scope was closed. A spawn waiting at the {@link
 *       #limit} wakes when the scope is cancelled and throws {@link CancellationException} (its
 *       cause the cancel's cause, such as the first failure): work is never started in a scope
 *       cancelled while its spawn waited. The registry shows such a spawn as a {@code scope.limit}
 *       wait.
 * </ul>
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions before a spawn happen-before the task's body runs. A task's actions happen-before {@link
 * #join()}, {@link #close()} or {@link #stop(Duration)} return (for stop: of the tasks that ended
 * in time), and before {@link Task#join()} returns.
 *
 * <h2>Bad input</h2>
 *
 * {@code null} arguments throw {@link NullPointerException} naming them; {@code limit(n)} with
 * {@code n < 1} throws {@link IllegalArgumentException}, after the first spawn {@link
 * IllegalStateException}; a negative stop timeout throws {@link IllegalArgumentException}.
 */
public final class Scope extends ContextOwner implements AutoCloseable {

  static {
    try {
      CLOSED_AT = MethodHandles.lookup().findVarHandle(Scope.class, "closedAt", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Makes every task's thread (a factory, not a builder: factories are safe for concurrent use):
   * virtual. Tether's own schedule exploration (Lincheck's model checker, which cannot drive
   * virtual threads) sets {@code tether.internal.platformTasks} to run tasks on platform threads
   * instead; not for users.
   */
  private static final ThreadFactory TASK_THREADS =
      Boolean.getBoolean("tether.internal.platformTasks")
          ? Thread.ofPlatform().daemon().factory()
          : Thread.ofVirtual().factory();

  private final long id;
  private final String name; // null: "scope-<id>" on demand
  private final boolean failFast;
  private final CancelNode context;
  private final Object owner; // the task or scope whose context this one was opened on, or null
  // A root scope (no owner): the thread that opened it, for the leak check's blame; else null.
  private final Thread openedOn;
  private final long openNanos;
  private final StackTraceElement openSite;

  private static final VarHandle CLOSED_AT;

  /** How many tasks are live, whether the scope is closed, and who waits for none to be live. */
  private final LiveCount count = new LiveCount();

  /** The live tasks: added before the spawned thread starts, removed when its task ends. */
  private final LiveTasks liveTasks = new LiveTasks();

  /**
   * Non-null once closed or stopped (set before the closed bit): where (a frame, in full spawn-site
   * mode) or by whom (the closing thread).
   */
  private volatile Object closedAt;

  /** Where the registry holds this scope while it is open; filled by {@link Registry#add}. */
  final Registry.Place registryPlace = new Registry.Place();

  /** Tasks that failed, in the order they failed. */
  private final FailureLog failures = new FailureLog();

  /**
   * The {@link #limit}, null for none; set before the first spawn, under {@code count}'s monitor.
   */
  private volatile SpawnLimit limit;

  /** Set (before the live count drops) when a task ends other than SUCCEEDED. */
  private volatile boolean notAllSucceeded;

  /** Set when a {@link Service} or {@link Supervisor} runs on this scope: how it is shown. */
  private volatile ScopeRole role;

  private Scope(Context parent, String name, boolean failFast) {
    Objects.requireNonNull(parent, "ctx");
    this.id = Registry.nextId();
    this.name = name;
    this.failFast = failFast;
    this.owner = Registry.owner((AbstractContext) parent);
    this.openedOn = owner == null ? Thread.currentThread() : null;
    this.openNanos = System.nanoTime();
    this.openSite = SpawnSites.scopeSite();
    this.context = CancelNode.forScope((AbstractContext) parent, this);
    // Task contexts are not linked on the scope's context (see CancelNode.forTask): this one link
    // passes its cancellation on to every live task. If it is already done, start() handles it.
    context.link(new CancelTasks(this));
    Registry.add(this);
  }

  /**
   * On the scope's context: cancels the context of every live task, with the same error, and wakes
   * spawns waiting for a slot.
   */
  private static final class CancelTasks extends DoneLink {
    private final Scope scope;

    CancelTasks(Scope scope) {
      this.scope = scope;
    }

    @Override
    void onDone(ContextErrors.Done done) {
      // None live: skip the walk (a scope's close usually finds its tasks ended). A spawn counts
      // its task in before it reads whether this context is done, and this reads the count after
      // the context was made done: if the count showed none, that spawn sees the cancel itself.
      if (scope.count.live() > 0) {
        for (Task<?> t : scope.liveTasks) {
          t.context.onDone(done);
        }
      }
      SpawnLimit l = scope.limit;
      if (l != null) {
        l.wakeAll();
      }
    }
  }

  // ---- opening ----

  /**
   * Opens a fail-fast scope (errgroup with context): the first failure cancels the rest. The caller
   * owns it: close it, best with try-with-resources.
   *
   * @throws NullPointerException if {@code ctx} is null
   */
  public static Scope open(Context ctx) {
    return new Scope(ctx, null, true);
  }

  /** Like {@link #open(Context)}, with a name for dumps and paths. */
  public static Scope open(Context ctx, String name) {
    return new Scope(ctx, Objects.requireNonNull(name, "name"), true);
  }

  /** Opens a scope in which a failure does not cancel the siblings; see the class comment. */
  public static Scope supervised(Context ctx) {
    return new Scope(ctx, null, false);
  }

  /** Like {@link #supervised(Context)}, with a name. */
  public static Scope supervised(Context ctx, String name) {
    return new Scope(ctx, Objects.requireNonNull(name, "name"), false);
  }

  // ---- configuration and identity ----

  /**
   * Caps how many of this scope's tasks run at once: a spawn at the cap waits for a slot (Go's
   * {@code SetLimit}). Only before the first spawn.
   *
   * @return this scope
   * @throws IllegalArgumentException if {@code n < 1}
   * @throws IllegalStateException if a task was already spawned, or the scope is closed
   */
  public Scope limit(int n) {
    if (n < 1) {
      throw new IllegalArgumentException(describe() + ": limit(" + n + "): the limit must be >= 1");
    }
    synchronized (count) { // serializes configuration only; LiveCount never takes its monitor
      requireOpen("configure");
      if (count.spawnedYet()) {
        throw new IllegalStateException(
            describe() + ": limit(" + n + ") must come before the first spawn");
      }
      limit = new SpawnLimit(n);
    }
    return this;
  }

  /** The scope's name, or {@code scope-<id>}. */
  public String name() {
    return name != null ? name : "scope-" + id;
  }

  @Override
  void appendContextLabel(StringBuilder sb) {
    sb.append(".scope(").append(name()).append(')');
  }

  /** The scope's context: a child of the context it was opened on, parent of every task's. */
  public Context context() {
    return context;
  }

  /** Cancels the scope's context, so every task in it. Idempotent; does not wait. */
  public void cancel() {
    context.cancel();
  }

  // ---- spawning ----

  /**
   * Starts {@code work} on a new virtual thread, as a task of this scope, with its own child
   * context. Blocks while the scope is at its {@link #limit}; if the scope is cancelled meanwhile,
   * throws {@link CancellationException} (caused by the cancel's cause) and starts nothing; if
   * interrupted there, throws {@link CancellationException} and keeps the interrupt status. That
   * wait has no context form: the scope's own cancellation is what ends it.
   *
   * @throws IllegalStateException if the scope is closed (the message says where)
   */
  public <T> Task<T> spawn(String name, Work<T> work) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(work, "work");
    acquireSlot();
    return start(name, work, work);
  }

  /** Like {@link #spawn(String, Work)}, named {@code task-<id>}. */
  public <T> Task<T> spawn(Work<T> work) {
    Objects.requireNonNull(work, "work");
    acquireSlot();
    return start(null, work, work);
  }

  /** Like {@link #spawn(String, Work)} for work with no result. */
  public Task<Void> go(String name, VoidWork work) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(work, "work");
    acquireSlot();
    return start(name, work, work);
  }

  /** Like {@link #go(String, VoidWork)}, named {@code task-<id>}. */
  public Task<Void> go(VoidWork work) {
    Objects.requireNonNull(work, "work");
    acquireSlot();
    return start(null, work, work);
  }

  /**
   * Spawns unless the scope is at its limit, without blocking (Go's {@code TryGo}).
   *
   * @return the task, or empty at the limit
   * @throws IllegalStateException if the scope is closed
   */
  public <T> Optional<Task<T>> trySpawn(Work<T> work) {
    Objects.requireNonNull(work, "work");
    return trySpawn0(null, work);
  }

  /** Like {@link #trySpawn(Work)}, with a name. */
  public <T> Optional<Task<T>> trySpawn(String name, Work<T> work) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(work, "work");
    return trySpawn0(name, work);
  }

  private <T> Optional<Task<T>> trySpawn0(String name, Work<T> work) {
    if (!tryAcquireSlot()) {
      requireOpen("spawn into");
      return Optional.empty();
    }
    return Optional.of(start(name, work, work));
  }

  /** Takes a slot under the limit if one is free (always, with no limit); never blocks. */
  private boolean tryAcquireSlot() {
    SpawnLimit l = limit;
    return l == null || l.tryAcquire();
  }

  /**
   * Takes a slot, waiting for one at the limit: until a task ends, the scope is cancelled (throws
   * {@link CancellationException}) or the thread is interrupted (the same, interrupt status kept).
   */
  void acquireSlot() {
    if (tryAcquireSlot()) {
      return;
    }
    requireOpen("spawn into");
    Waits.Wait wait = Waits.begin("scope.limit", this); // a cancel wakes it, and interrupts
    try {
      limit.await(this, wait);
    } finally {
      Hooks.waitEnded(wait); // telemetry
    }
  }

  /**
   * Spawns, once a slot (if any) is held. {@code body} is a {@link Work} or a {@link VoidWork};
   * {@code siteKey} is the object the user passed, whose class keys the spawn-site cache.
   */
  <T> Task<T> start(String taskName, Object body, Object siteKey) {
    return startAt(taskName, body, SpawnSites.capture(siteKey));
  }

  /**
   * Spawns {@code work} with a spawn site found earlier: for components (services, supervisors)
   * whose user's call site is not on the spawning thread's stack.
   */
  Task<Void> goAt(String name, VoidWork work, Object site) {
    acquireSlot();
    return startAt(name, work, site);
  }

  private <T> Task<T> startAt(String taskName, Object body, Object site) {
    Task<T> task;
    try {
      task = new Task<>(Registry.nextId(), taskName, this, body, site);
    } catch (RuntimeException | Error e) {
      releaseSlot();
      throw e;
    }
    Thread thread = TASK_THREADS.newThread(task::execute);
    task.thread = thread;
    if (!count.countIn()) {
      releaseSlot();
      throw closedError("spawn into");
    }
    liveTasks.add(task);
    Hooks.spawned(task); // telemetry
    // Counted in and added before reading the scope's context; CancelTasks reads the count, then
    // the set, after the context is done: one of the two sides sees the other, so no task misses
    // the scope's cancellation.
    ContextErrors.Done scopeDone = context.doneState();
    if (scopeDone != null) {
      task.context.onDone(scopeDone);
    }
    try {
      thread.start();
    } catch (RuntimeException | Error e) {
      task.finish(null, e);
      throw e;
    }
    return task;
  }

  /**
   * Called by a failing task, on its thread, <em>before</em> its end state is published: records
   * the failure and, fail-fast, cancels the scope with it as the cause, so that the first failure
   * recorded is the first anyone could see.
   */
  void recordFailure(Task<?> task) {
    boolean firstFailure = failures.add(task);
    if (firstFailure && failFast) {
      context.cancel(task.failure());
    }
  }

  /** Called once per task, on its thread, after its end state is published. */
  void taskEnded(Task<?> task, Task.State end) {
    liveTasks.remove(task);
    if (end != Task.State.SUCCEEDED && !notAllSucceeded) {
      // Before the count drops: join() reads it after seeing none live. Read first: when a cancel
      // ends 10k tasks, only the first writes the line every other task's end then reads.
      notAllSucceeded = true;
    }
    releaseSlot();
    count.countOut(this);
  }

  private void releaseSlot() {
    SpawnLimit l = limit;
    if (l != null) {
      l.release();
    }
  }

  // ---- waiting ----

  /**
   * Waits until every task spawned so far (and any they spawn meanwhile) has ended. Waits without a
   * context: cancelling the scope (or its context) is what ends its tasks, and so this wait.
   *
   * @throws TaskFailedException in a fail-fast scope, if a task failed: the first failure is the
   *     cause, later ones are suppressed; they count as seen
   * @throws CancellationException if the scope's context was cancelled from outside and some task
   *     did not succeed ({@link DeadlineExceededException} for a deadline; see the class comment)
   * @throws InterruptedException if interrupted while waiting; the tasks go on
   */
  public void join() throws InterruptedException {
    awaitAll();
    if (failFast) {
      TaskFailedException e = failuresToThrow(false);
      if (e != null) {
        throw e;
      }
    }
    if (notAllSucceeded) {
      CancellationException e = cancelledFromOutside();
      if (e != null) {
        throw e;
      }
    }
  }

  /** Waits until no task is live; throws nothing else. */
  void awaitAll() throws InterruptedException {
    if (live() > 0) {
      awaitNoneLive(Long.MAX_VALUE, true, Waits.begin("scope.join", this));
    }
  }

  /**
   * A fresh exception if the scope's context was cancelled from outside (by a context above it, or
   * a deadline), else null. The scope's own cancels make a done state whose origin is the scope's
   * context; one from above carries the origin of the context that was cancelled.
   */
  private CancellationException cancelledFromOutside() {
    ContextErrors.Done d = context.doneState();
    if (d == null || d.origin == context) {
      return null;
    }
    String message =
        describe() + " was cancelled from outside before all its tasks completed: " + d.message();
    CancellationException e =
        d.deadlineExceeded()
            ? new DeadlineExceededException(message)
            : new CancellationException(message);
    e.initCause(d.cause());
    return e;
  }

  /**
   * Cancels whatever still runs, waits until every task has ended, then throws any failure nobody
   * has seen (as {@link TaskFailedException}). Idempotent. If interrupted, keeps waiting and
   * returns (or throws) with the interrupt status set: it never returns while a task is alive (law
   * L2), so it has no context form; {@link #stop(Duration)} is the bounded one.
   *
   * @throws IllegalStateException if called from one of this scope's own tasks
   */
  @Override
  public void close() {
    beginClose("close()");
    boolean interrupted = awaitNoneLiveUninterruptibly();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    TaskFailedException e = failuresToThrow(true);
    if (e != null) {
      throw e;
    }
  }

  /**
   * Cancels every task and waits at most {@code timeout} for them to end; closes the scope. Returns
   * a report naming, with their stacks, the tasks still alive, and carrying the failures nobody had
   * seen (now counted as seen: the report is how they reach the owner). If interrupted, stops
   * waiting early and returns with the interrupt status set.
   *
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws IllegalStateException if called from one of this scope's own tasks
   */
  public StopReport stop(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException(describe() + ": stop(" + timeout + "): negative timeout");
    }
    long start = System.nanoTime();
    beginClose("stop()");
    try {
      awaitNoneLive(AbstractContext.saturatedNanos(timeout), true, Waits.begin("scope.stop", this));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<TaskInfo> stragglers = new ArrayList<>();
    Registry.Snapshot at = new Registry.Snapshot();
    for (Task<?> t : liveTasks()) {
      t.straggler = true;
      Hooks.straggler(t); // telemetry
      stragglers.add(t.info(at, true));
    }
    List<Throwable> unseen = failures.takeUnseen();
    return new StopReport(stragglers, unseen, Duration.ofNanos(System.nanoTime() - start));
  }

  /** Parks until {@code live == 0} or the time is up; returns whether none is live. */
  private boolean awaitNoneLive(long nanos, boolean interruptible, Waits.Wait wait)
      throws InterruptedException {
    try {
      return count.awaitNoneLive(nanos, interruptible, wait, this);
    } finally {
      Hooks.waitEnded(wait); // telemetry
    }
  }

  /** Waits for {@code live == 0} through interrupts; returns whether it was interrupted. */
  private boolean awaitNoneLiveUninterruptibly() {
    if (live() == 0) {
      return false; // closed already, so none can start: no wait to record
    }
    Waits.Wait wait = Waits.begin("scope.close", this);
    boolean interrupted = false;
    while (true) {
      try {
        awaitNoneLive(Long.MAX_VALUE, true, wait);
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  // ---- failures ----

  /**
   * The exception to throw for failed tasks: on join (fail-fast), every failure so far; on close,
   * those nobody has seen. Marks them seen. Null if there is nothing to throw.
   */
  private TaskFailedException failuresToThrow(boolean onClose) {
    List<Throwable> toThrow = onClose ? failures.takeUnseen() : failures.takeAll();
    if (toThrow.isEmpty()) {
      return null;
    }
    String what =
        toThrow.size() == 1
            ? ": a task failed: "
            : ": " + toThrow.size() + " tasks failed; the first: ";
    return FailureLog.exception(describe() + what, toThrow);
  }

  // ---- state checks ----

  /** The start of close() and stop(): no more spawns, then cancel whatever runs. */
  private void beginClose(String what) {
    refuseFromOwnTask(what);
    seal();
    context.cancel();
  }

  /**
   * Closes the scope to spawns without cancelling or waiting: it leaves the registry when its last
   * task ends. For a component whose one task is ending by itself (a service body that returned).
   */
  void seal() {
    if (closedAt == null) {
      Object site = SpawnSites.scopeSite();
      CLOSED_AT.compareAndSet(this, null, site != null ? site : Thread.currentThread());
    }
    // The registry entry goes when the scope is closed with no live task: here if none was live
    // when it closed, else in taskEnded() when the last one ends. The count decides, once.
    if (count.close()) {
      Registry.remove(this);
    }
  }

  private void requireOpen(String what) {
    if (closedAt != null) {
      throw closedError(what);
    }
  }

  private IllegalStateException closedError(String what) {
    return new IllegalStateException(
        "cannot " + what + " " + describe() + ": it is closed (" + closedWhere() + ")");
  }

  private String closedWhere() {
    Object c = closedAt;
    return c instanceof Thread t
        ? "closed by " + t + "; run with -Dtether.spawnSite=full to record the line"
        : "closed at " + c;
  }

  /**
   * Refuses close/stop from one of this scope's own tasks, which would wait for itself. (Closing
   * from a task of a scope nested inside one of this scope's tasks would also wait for itself; that
   * case is not detected here: it shows in the registry as a scope.close wait in a live task.)
   */
  private void refuseFromOwnTask(String what) {
    Thread me = Thread.currentThread();
    if (!me.isVirtual() || count.live() == 0) {
      return; // every task runs on a virtual thread, and counts as live until its body is over
    }
    for (Task<?> t : liveTasks) {
      if (t.thread == me) {
        throw new IllegalStateException(
            describe()
                + ": "
                + what
                + " called from its own task '"
                + t.name()
                + "' would wait for itself; cancel() the scope instead, and let its owner close"
                + " it");
      }
    }
  }

  // ---- registry ----

  /** How this scope shows in the registry: as the service or supervisor it carries, or null. */
  ScopeRole role() {
    return role;
  }

  /** Set once, by the {@link Service} or {@link Supervisor} that runs on this scope. */
  void role(ScopeRole r) {
    role = r;
  }

  /** The scope's registry id. */
  long id() {
    return id;
  }

  /** The task or scope this one was opened under, or null. */
  Object owner() {
    return owner;
  }

  CancelNode contextNode() {
    return context;
  }

  /** A copy of the live tasks, in spawn order. Never blocks a spawn. */
  List<Task<?>> liveTasks() {
    List<Task<?>> out = liveTasks.copy();
    out.sort(Comparator.comparingLong(Task::id));
    return out;
  }

  /** The number of live tasks. */
  private int live() {
    return count.live();
  }

  /**
   * {@code app/ingest}: the owner's path (the task or scope it was opened under), then the name.
   */
  String path() {
    return Registry.pathUnder(owner, name());
  }

  /** The thread that opened the root scope of this one's owner chain. */
  Thread rootThread() {
    return owner == null ? openedOn : Registry.rootThread(owner);
  }

  TaskInfo info(Registry.Snapshot at, long ownerId) {
    ScopeRole r = role;
    return new TaskInfo(
        id,
        name(),
        r == null ? TaskInfo.Kind.SCOPE : r.kind(),
        path(),
        r != null ? r.state() : closedAt == null ? "OPEN" : "CLOSING",
        openSite,
        openSite == null ? List.of() : List.of(openSite),
        null,
        null,
        null,
        at.since(openNanos),
        null,
        false,
        List.of(),
        r == null ? List.of() : r.history(),
        rootThread(),
        ownerId);
  }

  /** {@code scope 'ingest'}: for messages. */
  String describe() {
    return "scope '" + name() + "'";
  }

  /** {@code Scope[ingest, 3 live, open]}. */
  @Override
  public String toString() {
    return "Scope["
        + path()
        + ", "
        + live()
        + " live, "
        + (closedAt == null ? "open" : closedWhere())
        + (failFast ? "" : ", supervised")
        + "]";
  }

  // ---- race and map ----

  /**
   * Runs every work at once; the first to succeed wins and its result is returned, after the others
   * are cancelled <em>and joined</em>. If none succeeds, throws one {@link TaskFailedException}
   * carrying every failure (the first as cause, the rest suppressed).
   *
   * @throws IllegalArgumentException if {@code works} is empty
   * @throws CancellationException if {@code ctx} was cancelled before any succeeded: its error,
   *     {@link DeadlineExceededException} for a deadline
   * @throws InterruptedException if interrupted while waiting (everything is still cancelled and
   *     joined before this returns)
   */
  public static <T> T race(Context ctx, List<? extends Work<? extends T>> works)
      throws InterruptedException {
    return Fanout.race(ctx, works);
  }

  /**
   * Applies {@code mapper} to every input, at most {@code limit} at once, each on its own task; the
   * results are in input order. Fail-fast: the first failure cancels the rest and is thrown as
   * {@link TaskFailedException}.
   *
   * @throws IllegalArgumentException if {@code limit < 1}
   * @throws CancellationException if {@code ctx} is cancelled before all are done: its error
   *     ({@link DeadlineExceededException} for a deadline), never a partial list
   * @throws InterruptedException if interrupted while waiting (the tasks are cancelled and joined)
   */
  public static <I, O> List<O> map(
      Context ctx, Collection<I> inputs, int limit, Mapper<? super I, ? extends O> mapper)
      throws InterruptedException {
    return Fanout.map(ctx, inputs, limit, mapper);
  }
}
