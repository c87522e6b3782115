package io.tether;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

/**
 * A handle on one task: a body running on its own virtual thread, with its own child context, owned
 * by the {@link Scope} that spawned it. Only a scope makes tasks.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * try (Scope scope = Scope.open(ctx, "checkout")) {
 *   Task<Price> price = scope.spawn("price", c -> prices.get(c, sku));
 *   Task<Stock> stock = scope.spawn("stock", c -> inventory.get(c, sku));
 *   scope.join();                          // both ended; the first failure is thrown here
 *   return new Offer(price.resultNow(), stock.resultNow());
 * }
 * }</pre>
 *
 * <h2>Cancellation and exit</h2>
 *
 * {@link #cancel()} cancels this task's context only (its siblings and scope go on). Cancelling a
 * task's context, directly or through its scope, interrupts the task's thread, so JDK blocking
 * calls wake. The one exception: when the thread is parked in a Tether wait that this very
 * cancellation ends (a {@code send(ctx, v)}, {@code receive(ctx)}, {@code ctx.await()} or a select
 * with an {@code onDone} clause on the cancelled context or one below it), the cancellation wakes
 * it directly and does not interrupt it; if that wait ended some other way first (a value arrived,
 * another context was cancelled, a timeout), the thread is interrupted as usual, so its next
 * blocking call wakes. A cancel that arrives while the thread is still entering such a wait (not
 * yet parked) interrupts it as well: the interrupt is skipped only when it is certain that the
 * cancel ended the wait, never on a guess. A task that cancels its own context (or its scope) from
 * its own thread is not interrupted. The task ends when its body returns or throws; nothing stops a
 * body that ignores both its context and interrupts, and its scope's {@code close()} will wait for
 * it ({@link Scope#stop} bounds that wait and names it).
 *
 * <h2>States</h2>
 *
 * {@link State#RUNNING} from spawn until the body ends, then exactly one of {@link State#SUCCEEDED}
 * (returned), {@link State#CANCELLED} or {@link State#FAILED}. Only the cancellation itself counts
 * as cancelled: the body threw while its context was done, and what it threw is a {@link
 * CancellationException} (including {@link DeadlineExceededException}), an {@link
 * InterruptedException}, an {@link java.io.InterruptedIOException} or {@link
 * java.nio.channels.ClosedByInterruptException}, or the very cause given to {@link
 * CancellableContext#cancel(Throwable)}. Anything else is a failure, even when thrown after a
 * cancel (an {@code IOException} while shutting down, an {@code AssertionError}), and reaches the
 * owner like any failure. The same rule decides for {@link Service} and {@link Shutdown}.
 *
 * <h2>Exception handling</h2>
 *
 * {@link #join()} throws {@link TaskFailedException} for a failed task and a {@link
 * CancellationException} for a cancelled one ({@link DeadlineExceededException} if a deadline
 * cancelled it), whose cause is the cause given to the cancel, else what the body threw; {@link
 * #resultNow()} throws the same for a cancelled task, and {@link IllegalStateException} while
 * running or for a failed one (with the failure as cause).
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions before {@code spawn} happen-before the body runs; actions of the body happen-before
 * {@link #join()}, {@link Scope#join()} or {@link Scope#close()} return, and before {@link
 * #state()} reports an end state.
 *
 * @param <T> the result type ({@link Void} for {@link Scope#go})
 */
public final class Task<T> extends ContextOwner {

  /** Where a task is in its life. Ordered: the end states come after {@link #RUNNING}. */
  public enum State {
    /** Spawned and not yet ended. */
    RUNNING,
    /** The body returned; {@link #resultNow()} has its value. */
    SUCCEEDED,
    /** The body threw while its context was live; {@link #exceptionNow()} has the exception. */
    FAILED,
    /** The body threw after its context was cancelled. */
    CANCELLED
  }

  final long id;
  private final String name; // null: named "task-<id>" on demand
  final Scope scope;
  final CancelNode context;
  private final Object body; // a Work<T>, or a VoidWork (then T is Void)
  final long startNanos;
  final Object spawnSite; // null, a StackTraceElement or a StackTraceElement[]

  /** Where the scope's live set holds this task; set by the spawner before the thread starts. */
  LiveSet.Chunk liveChunk;

  int liveSlot;

  /** The task's thread; set once, before it starts (volatile: the cancel hook reads it). */
  volatile Thread thread;

  /** RUNNING until the body ends, then set once (CAS) to the end state. */
  private volatile State state = State.RUNNING;

  private T result;
  private Throwable failure;

  /** Whether someone has seen this task's failure (join, exceptionNow, or the scope's join). */
  volatile boolean failureSeen;

  /** Set when a bounded stop gave up waiting for this task; it stays visible until it ends. */
  volatile boolean straggler;

  /** Threads blocked in {@link #join()}; a Treiber stack, drained once when the task ends. */
  private volatile Waits.Parked joiners;

  Task(long id, String name, Scope scope, Object body, Object spawnSite) {
    this.id = id;
    this.name = name;
    this.scope = scope;
    this.body = body;
    this.spawnSite = spawnSite;
    this.startNanos = System.nanoTime();
    this.context = CancelNode.forTask(scope.contextNode(), this);
  }

  // ---- public API ----

  /** A number unique among all tasks and scopes of this JVM. */
  public long id() {
    return id;
  }

  /** The name given at spawn, or {@code task-<id>}. */
  public String name() {
    return name != null ? name : "task-" + id;
  }

  /** The name given at spawn, or null (then {@link #name()} makes one); for telemetry. */
  String rawName() {
    return name;
  }

  /** The current state; see {@link State}. Never blocks. */
  public State state() {
    return state;
  }

  /** The task's own context, a child of its scope's: cancelled alone by {@link #cancel()}. */
  public Context context() {
    return context;
  }

  /** Cancels this task's context (interrupting its thread); idempotent; does not wait. */
  public void cancel() {
    context.cancel();
  }

  /**
   * Waits for the task to end and returns its result. Waits without a context: to bound the wait,
   * cancel the task (or its scope), which ends it; a task that ignores its cancellation is what
   * {@link Scope#stop} bounds and names.
   *
   * @throws TaskFailedException if it failed (the cause is its exception)
   * @throws CancellationException if it was cancelled ({@link DeadlineExceededException} if by a
   *     deadline); the cause is the cancel's cause, else what the body threw
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public T join() throws InterruptedException {
    awaitEnd();
    return outcome();
  }

  /**
   * Returns the result of a task that has succeeded.
   *
   * @throws CancellationException if it was cancelled, as {@link #join()} throws it
   * @throws IllegalStateException if it is still running or failed (the message says which; a
   *     failure is the cause)
   */
  public T resultNow() {
    State s = state;
    if (s == State.CANCELLED) {
      throw cancelledError();
    }
    if (s != State.SUCCEEDED) {
      IllegalStateException e =
          new IllegalStateException(this + " has no result: it is " + describe(s));
      if (s == State.FAILED) {
        failureSeen = true;
        e.initCause(failure);
      }
      throw e;
    }
    return result;
  }

  /**
   * Returns the exception of a task that has failed.
   *
   * @throws IllegalStateException if it is still running, succeeded or was cancelled
   */
  public Throwable exceptionNow() {
    if (state != State.FAILED) {
      throw new IllegalStateException(this + " has no failure: it is " + describe(state));
    }
    failureSeen = true;
    return failure;
  }

  /** Marks this task's failure as reported by someone other than its scope (a race does so). */
  void markFailureSeen() {
    failureSeen = true;
  }

  /** Hashes the id: cheaper than an identity hash, and consistent with identity equality. */
  @Override
  public int hashCode() {
    return Long.hashCode(id);
  }

  /** Identity: a task is equal only to itself. */
  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  /** {@code Task[id=7 'fetch' in scope 'ingest': RUNNING]}. */
  @Override
  public String toString() {
    return "Task[id=" + id + " '" + name() + "' in " + scope.describe() + ": " + state + "]";
  }

  // ---- lifecycle (called by Scope and the task's own thread) ----

  /** The body of the task's thread. */
  void execute() {
    Hooks.started(this); // telemetry
    if (context.isDone()) {
      // Cancelled before the thread started: behave as if the interrupt had reached it.
      Thread.currentThread().interrupt();
    }
    T value = null;
    Throwable thrown = null;
    try {
      if (body instanceof VoidWork v) {
        v.run(context);
      } else {
        @SuppressWarnings("unchecked")
        Work<T> w = (Work<T>) body;
        value = w.run(context);
      }
    } catch (Throwable t) {
      thrown = t;
    }
    finish(value, thrown);
  }

  /**
   * Records the end, wakes joiners, and tells the scope. Runs once. A failure is recorded with the
   * scope (which, fail-fast, cancels the siblings) <em>before</em> the end state is published, so
   * nobody can see this task ended before its scope knows it failed: a sibling that fails after
   * seeing this one fail is never taken for the first failure.
   */
  void finish(T value, Throwable thrown) {
    State end;
    if (thrown == null) {
      result = value;
      end = State.SUCCEEDED;
    } else {
      failure = thrown;
      end = Outcomes.isCancellation(thrown, context) ? State.CANCELLED : State.FAILED;
    }
    if (end == State.FAILED) {
      scope.recordFailure(this);
    }
    state = end;
    Hooks.ended(this, end); // telemetry
    // The task's context is no longer needed: release its registration with the scope's.
    context.release();
    Waits.unparkAll(Waits.close(this, JOINERS));
    scope.taskEnded(this, end);
  }

  /**
   * Called by the task's context, once, after its cancellation {@code d} has reached everything
   * below it (on the cancelling thread), with the wait its thread was parked in when the cancel
   * began ({@code seen}, or null). Interrupts the task's thread unless that very cancellation ended
   * that wait ({@link Waits.Wait#deliveredBy}: the wait's own claim says how it ended, even if the
   * thread has moved on since); in every other case (not parked, parked outside Tether, or in a
   * wait that ended some other way first) the thread is interrupted, so no cancellation is ever
   * lost.
   */
  @Override
  void contextCancelled(ContextErrors.Done d, Waits.Wait seen) {
    Thread t = thread;
    if (t == null || state != State.RUNNING) {
      return; // not started yet (execute() checks), or already ended
    }
    if (Thread.currentThread() == t) {
      return; // cancelling itself: it knows (and a failing body's own fail-fast cancel is done)
    }
    if (seen != null && seen.deliveredBy(d)) {
      return;
    }
    t.interrupt();
  }

  /**
   * The Tether wait this task's thread is parked in now, or null (for the cancel). Null, without
   * asking, when the caller is the task's own thread (running, so parked in nothing): the case of
   * every task's end, which releases its context.
   */
  @Override
  Waits.Wait parkedIn() {
    Thread t = thread;
    return t == null || t == Thread.currentThread() ? null : Waits.of(t);
  }

  /** A task's context is not linked on its scope's: the scope cancels its live tasks itself. */
  @Override
  boolean contextLinkedOnParent() {
    return false;
  }

  @Override
  void appendContextLabel(StringBuilder sb) {
    sb.append(".task(").append(name()).append(')');
  }

  /** {@code app/ingest/fetch-17}: the scope's path, then this task's name. */
  String path() {
    return Registry.pathUnder(scope, name());
  }

  TaskInfo info(Registry.Snapshot at, boolean withStack) {
    return info(at, withStack, scope.path(), scope.id());
  }

  /**
   * The record, given its scope's path and id (a snapshot reads them once per scope, not once per
   * task: for 100k tasks in one scope that is most of the snapshot's cost).
   */
  TaskInfo info(Registry.Snapshot at, boolean withStack, String scopePath, long scopeId) {
    Thread t = thread;
    Object blocker = t == null ? null : LockSupport.getBlocker(t);
    Waits.Wait w = blocker instanceof Waits.Wait wait ? wait : null;
    return new TaskInfo(
        id,
        name(),
        TaskInfo.Kind.TASK,
        scopePath + "/" + Registry.segment(name()),
        state.name(),
        SpawnSites.first(spawnSite),
        SpawnSites.stack(spawnSite),
        // Parked outside Tether (a JDK queue, lock, semaphore): say so, and on what.
        w != null ? w.reason() : blocker != null ? "parked" : null,
        w != null ? String.valueOf(w.target()) : blocker != null ? String.valueOf(blocker) : null,
        w == null ? null : at.wallOf(w.sinceNanos()),
        at.since(startNanos),
        t,
        straggler,
        withStack && t != null ? List.of(t.getStackTrace()) : List.of(),
        List.of(),
        scope.rootThread(),
        scopeId);
  }

  boolean isEnded() {
    return state != State.RUNNING;
  }

  Throwable failure() {
    return failure;
  }

  private T outcome() {
    return switch (state) {
      case SUCCEEDED -> result;
      case FAILED -> {
        failureSeen = true;
        throw new TaskFailedException(this + " failed: " + failure, failure);
      }
      case CANCELLED -> throw cancelledError();
      case RUNNING -> throw new AssertionError(this + " outcome read before its end");
    };
  }

  /**
   * A fresh exception for a cancelled task: a {@link DeadlineExceededException} if a deadline
   * cancelled it, else a {@link CancellationException}; caused by the cancel's cause if one was
   * given, else by what the body threw.
   */
  private CancellationException cancelledError() {
    ContextErrors.Done d = context.doneState();
    String message = this + " was cancelled: " + d.message();
    CancellationException e =
        d.deadlineExceeded()
            ? new DeadlineExceededException(message)
            : new CancellationException(message);
    e.initCause(d.cause() != null ? d.cause() : failure);
    return e;
  }

  private void awaitEnd() throws InterruptedException {
    if (isEnded()) {
      return;
    }
    if (thread == Thread.currentThread()) {
      throw new IllegalStateException(this + ": join() from its own thread would wait forever");
    }
    if (!Waits.push(this, JOINERS, new Waits.Parked(Thread.currentThread()))) {
      return; // ended meanwhile
    }
    Waits.Wait wait = Waits.begin("task.join", this);
    try {
      while (!isEnded()) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while joining " + this);
        }
        LockSupport.park(wait);
      }
    } finally {
      Hooks.waitEnded(wait); // telemetry
    }
  }

  private static final VarHandle JOINERS;

  static {
    try {
      JOINERS = MethodHandles.lookup().findVarHandle(Task.class, "joiners", Waits.Parked.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static String describe(State s) {
    return switch (s) {
      case RUNNING -> "still running (join() it first)";
      case SUCCEEDED -> "SUCCEEDED";
      case FAILED -> "FAILED";
      case CANCELLED -> "CANCELLED";
    };
  }
}
