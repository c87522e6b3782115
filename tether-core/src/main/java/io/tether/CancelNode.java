package io.tether;

import io.tether.ContextErrors.Done;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * A cancellable context: what {@code withCancel}, {@code withTimeout} and {@code withDeadline}
 * make, and the only kind of context that holds done state.
 *
 * <p>Invariants (Go's {@code cancelCtx}, with an intrusive list in place of its child map):
 *
 * <ul>
 *   <li>{@code done} is null while live and set exactly once, by CAS: the first cancel wins.
 *   <li>{@code head}/{@code tail} list what to notify when done (children, waiters, afterDone
 *       actions). They are guarded by {@code this}. {@link #link} adds only while {@code done} is
 *       null (checked under the lock); the first cancel sets {@code done} <em>before</em> taking
 *       the lock to detach the list, so after that nothing can join the list and {@link #unlink}
 *       leaves the detached entries alone. Entries are notified outside the lock.
 *   <li>While live, this node is linked on its parent's source (if that can be done); its own
 *       cancel unlinks it, a parent's cancel detaches it with the rest of the parent's list.
 *   <li>{@code timer} is set at most once, after construction; whoever of the cancel and the
 *       scheduling comes second cancels the timer (both fields are volatile), so a cancelled
 *       context never stays in the timer queue.
 * </ul>
 */
final class CancelNode extends AbstractContext implements CancellableContext {
  private static final VarHandle DONE;

  static {
    try {
      DONE = MethodHandles.lookup().findVarHandle(CancelNode.class, "done", Done.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Null while live; set once by the first cancel. */
  private volatile Done done;

  /** What to notify when done; guarded by {@code this}; detached (nulled) by the first cancel. */
  private DoneLink head;

  private DoneLink tail;

  /** The effective deadline (the earlier of the parent's and the requested one), or null. */
  private final Instant deadline;

  /** The deadline the caller asked for, for naming; null for {@code withCancel}. */
  private final Instant requestedDeadline;

  /** The pending deadline timer, if this node has one of its own. */
  private volatile ScheduledFuture<?> timer;

  /**
   * The {@link Task} or {@link Scope} whose own context this is, or null. A task is told after its
   * context is cancelled, so that it can interrupt its thread.
   */
  private final Object owner;

  private CancelNode(
      AbstractContext parent, Instant deadline, Instant requestedDeadline, Object owner) {
    super(parent, null);
    this.deadline = deadline;
    this.requestedDeadline = requestedDeadline;
    this.owner = owner;
  }

  /** The task or scope whose own context this is, or null. */
  Object owner() {
    return owner;
  }

  /**
   * Makes the own context of {@code task}, a child of its scope's context that is <em>not</em>
   * linked on it: the scope tracks its live tasks anyway, and cancels each task's context itself
   * when its own context is done (see {@link Scope}). That saves a lock round trip on the scope's
   * context per spawn and per end, the hottest path in Tether.
   */
  static CancelNode forTask(CancelNode scopeContext, Task<?> task) {
    return new CancelNode(scopeContext, scopeContext.deadline, null, task);
  }

  /** Makes the own context of {@code scope}, a cancellable child of {@code parent}. */
  static CancelNode forScope(AbstractContext parent, Scope scope) {
    return new CancelNode(parent, parent.deadlineOrNull(), null, scope).attach();
  }

  /** Links this new node on its parent's source; if that is done already, so is this node. */
  private CancelNode attach() {
    CancelNode above = parent.source;
    if (above != null && !above.link(this)) {
      cancel(above.done, false);
    }
    return this;
  }

  /**
   * Makes a child of {@code parent}; {@code requested} is its own deadline (null for none), due in
   * {@code delayNanos} on the monotonic clock.
   */
  static CancelNode create(AbstractContext parent, Instant requested, long delayNanos) {
    Instant inherited = parent.deadlineOrNull();
    boolean ownTimer = requested != null && (inherited == null || requested.isBefore(inherited));
    CancelNode child =
        new CancelNode(parent, ownTimer ? requested : inherited, requested, null).attach();
    if (ownTimer) {
      if (delayNanos <= 0) {
        child.cancel(ContextErrors.deadlineExceeded(child), true);
      } else {
        child.armTimer(delayNanos);
      }
    }
    return child;
  }

  private void armTimer(long delayNanos) {
    timer = Timers.schedule(() -> cancel(ContextErrors.deadlineExceeded(this), true), delayNanos);
    if (done != null) {
      timer.cancel(false);
    }
  }

  // ---- CancellableContext ----

  @Override
  public void cancel() {
    if (done == null) {
      cancel(ContextErrors.cancelled(this, null), true);
    }
  }

  @Override
  public void cancel(Throwable cause) {
    Objects.requireNonNull(cause, "cause");
    if (done == null) {
      cancel(ContextErrors.cancelled(this, cause), true);
    }
  }

  @Override
  public void close() {
    cancel();
  }

  /**
   * Ends a task's own context when the task ends: done, with a shared error (no allocation), so
   * that anything derived from it stops and nothing stays registered on it.
   */
  void release() {
    if (done == null) {
      cancel(ContextErrors.TASK_ENDED, false);
    }
  }

  /**
   * The one cancel path. Returns whether this call made the node done. {@code unlinkFromParent} is
   * false when the parent is the canceller (it has detached its whole list already). A task's
   * context is never linked on its parent, so it never unlinks.
   */
  boolean cancel(Done d, boolean unlinkFromParent) {
    if (!DONE.compareAndSet(this, null, d)) {
      return false;
    }
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
    if (owner instanceof Task<?> task) {
      // Before the list is notified: a task parked in await() on this context is still parked,
      // with its wait (whose context is now done) as the park blocker, so it is not interrupted.
      task.contextCancelled();
    }
    DoneLink list;
    synchronized (this) {
      list = head;
      head = tail = null;
    }
    if (unlinkFromParent && !(owner instanceof Task<?>) && parent.source != null) {
      parent.source.unlink(this);
    }
    while (list != null) {
      DoneLink next = list.next;
      list.prev = list.next = null;
      list.onDone(d);
      list = next;
    }
    return true;
  }

  /** A parent (or other source above) is done: so is this node, with the same err and cause. */
  @Override
  void onDone(Done d) {
    cancel(d, false);
  }

  // ---- the list ----

  /** Adds {@code l} to the list; false (and nothing added) if this node is already done. */
  boolean link(DoneLink l) {
    synchronized (this) {
      if (done != null) {
        return false;
      }
      l.prev = tail;
      if (tail == null) {
        head = l;
      } else {
        tail.next = l;
      }
      tail = l;
      return true;
    }
  }

  /** Removes {@code l} if it is still on the live list; no-op once this node is done. */
  void unlink(DoneLink l) {
    synchronized (this) {
      if (done != null) {
        return;
      }
      DoneLink p = l.prev;
      DoneLink n = l.next;
      if (p == null) {
        if (head != l) {
          return; // not on the list (already unlinked)
        }
        head = n;
      } else {
        p.next = n;
      }
      if (n == null) {
        tail = p;
      } else {
        n.prev = p;
      }
      l.prev = l.next = null;
    }
  }

  /** How many entries are linked; for tests. O(n). */
  synchronized int linkedCount() {
    int count = 0;
    for (DoneLink l = head; l != null; l = l.next) {
      count++;
    }
    return count;
  }

  // ---- state and waiting ----

  Done doneState() {
    return done;
  }

  /**
   * Parks until done, interrupted or (if {@code timed}) {@code nanos} elapsed. Returns whether
   * done. The waiter is woken by the cancel itself; it unlinks itself on the way out.
   */
  boolean awaitDone(boolean timed, long nanos) throws InterruptedException {
    if (done != null) {
      return true;
    }
    if (timed && nanos <= 0) {
      return false;
    }
    Waiter w = new Waiter(Thread.currentThread());
    if (!link(w)) {
      return true;
    }
    Waits.Wait wait = Waits.begin("ctx.await", this, this);
    try {
      long end = timed ? System.nanoTime() + nanos : 0;
      while (done == null) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while awaiting " + this);
        }
        if (timed) {
          long left = end - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          LockSupport.parkNanos(wait, left);
        } else {
          LockSupport.park(wait);
        }
      }
      return true;
    } finally {
      unlink(w);
    }
  }

  /** A thread parked in {@link #awaitDone}. */
  private static final class Waiter extends DoneLink {
    private final Thread thread;

    Waiter(Thread thread) {
      this.thread = thread;
    }

    @Override
    void onDone(Done d) {
      LockSupport.unpark(thread);
    }
  }

  // ---- naming ----

  @Override
  Instant deadlineOrNull() {
    return deadline;
  }

  Instant ownDeadline() {
    return requestedDeadline;
  }

  @Override
  void appendLabel(StringBuilder sb) {
    if (owner instanceof Task<?> t) {
      sb.append(".task(").append(t.name()).append(')');
    } else if (owner instanceof Scope s) {
      sb.append(".scope(").append(s.name()).append(')');
    } else if (requestedDeadline == null) {
      sb.append(".withCancel");
    } else {
      sb.append(".withDeadline(").append(requestedDeadline).append(')');
    }
  }
}
