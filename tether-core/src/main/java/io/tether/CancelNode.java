package io.tether;

import io.tether.ContextErrors.Done;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;

/**
 * A cancellable context: what {@code withCancel}, {@code withTimeout} and {@code withDeadline}
 * make, and the only kind of context that holds done state.
 *
 * <p>Invariants (Go's {@code cancelCtx}, with an intrusive list in place of its child map):
 *
 * <ul>
 *   <li>{@code done} is null while live and set exactly once, by CAS: the first cancel wins.
 *   <li>{@code head}/{@code tail} list what to notify when done (children, waiters, afterDone
 *       actions). They are guarded by a private spin lock ({@code lockWord}), never by {@code
 *       this}: a context is an object users hold, and a user's {@code synchronized (ctx)} must not
 *       stall its cancel. {@link #link} adds only while {@code done} is null (checked under the
 *       lock); the first cancel sets {@code done} <em>before</em> taking the lock to detach the
 *       list, so after that nothing can join the list and {@link #unlink} leaves the detached
 *       entries alone. Entries are notified outside the lock.
 *   <li>Order of a cancel: set {@code done}; detach and notify the list (children first, so the
 *       whole subtree is done before anyone is told); last, tell the owning task, which then knows
 *       exactly whether this cancellation has already ended the wait its thread is parked in (see
 *       {@link Task#contextCancelled}).
 *   <li>A deadline fires on the shared timer thread, which only flips {@code done} and detaches the
 *       list; notifying the list (possibly a tree of 100k tasks) runs on a virtual thread of its
 *       own, so a big cascade never delays another context's deadline.
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
      LOCK = MethodHandles.lookup().findVarHandle(CancelNode.class, "lockWord", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final VarHandle LOCK;

  /** Null while live; set once by the first cancel. */
  private volatile Done done;

  /** The private lock of the list: 0 free, 1 held. */
  private volatile int lockWord;

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
   * The task or scope whose own context this is, or null. It is told after its context is cancelled
   * (a task, so that it can interrupt its thread).
   */
  private final ContextOwner owner;

  private CancelNode(
      AbstractContext parent, Instant deadline, Instant requestedDeadline, ContextOwner owner) {
    super(parent, null);
    this.deadline = deadline;
    this.requestedDeadline = requestedDeadline;
    this.owner = owner;
  }

  /** The task or scope whose own context this is, or null. */
  ContextOwner owner() {
    return owner;
  }

  /**
   * Makes the own context of {@code task}, a child of its scope's context that is <em>not</em>
   * linked on it: the scope tracks its live tasks anyway, and cancels each task's context itself
   * when its own context is done (see {@link ContextOwner#contextLinkedOnParent}). That saves a
   * lock round trip on the scope's context per spawn and per end, the hottest path in Tether.
   */
  static CancelNode forTask(CancelNode scopeContext, ContextOwner task) {
    return new CancelNode(scopeContext, scopeContext.deadline, null, task);
  }

  /** Makes the own context of {@code scope}, a cancellable child of {@code parent}. */
  static CancelNode forScope(AbstractContext parent, ContextOwner scope) {
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
    timer = Timers.schedule(this::deadlinePassed, delayNanos);
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
    Hooks.cancelled(this, d, unlinkFromParent); // telemetry: where it began, or reached
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
    Waits.Wait waitSeen = owner != null ? owner.parkedIn() : null;
    DoneLink list = detach(unlinkFromParent);
    notifyAll(list, d);
    if (owner != null) {
      // The wait the task's thread is parked in, read before the cascade wakes it (after, the
      // thread may have moved on). Last, once the subtree is done and every link on it has
      // claimed what it wakes, the task asks that wait whether this cancellation ended it.
      owner.contextCancelled(d, waitSeen);
    }
    Hooks.cascaded(this, d, unlinkFromParent); // telemetry: a cancel that began here is through
    return true;
  }

  /**
   * The deadline timer fired (on the shared timer thread). Flips {@code done} and detaches the list
   * here, so the deadline takes effect on time; the cascade runs on a virtual thread of its own.
   * Timer nodes are never a task's or scope's own context, so no owner is told.
   */
  private void deadlinePassed() {
    Done d = ContextErrors.deadlineExceeded(this);
    if (!DONE.compareAndSet(this, null, d)) {
      return;
    }
    Hooks.cancelled(this, d, true); // telemetry
    DoneLink list = detach(true);
    if (list != null) {
      Thread.ofVirtual()
          .name("tether-deadline-cascade")
          .start(() -> {
            notifyAll(list, d);
            Hooks.cascaded(this, d, true); // telemetry
          });
    } else {
      Hooks.cascaded(this, d, true); // telemetry
    }
  }

  /** Takes the list (nothing joins it once done) and, if asked, leaves the parent's list. */
  private DoneLink detach(boolean unlinkFromParent) {
    DoneLink list;
    lock();
    list = head;
    head = tail = null;
    unlock();
    if (unlinkFromParent
        && (owner == null || owner.contextLinkedOnParent())
        && parent.source != null) {
      parent.source.unlink(this);
    }
    return list;
  }

  private static void notifyAll(DoneLink list, Done d) {
    while (list != null) {
      DoneLink next = list.next;
      list.prev = list.next = null;
      list.onDone(d);
      list = next;
    }
  }

  // ---- the private lock ----

  private void lock() {
    if (!LOCK.compareAndSet(this, 0, 1)) {
      lockSlow();
    }
  }

  /** Held only for a few pointer writes: spin briefly, then yield (a virtual thread unmounts). */
  private void lockSlow() {
    for (int spins = 0; !LOCK.compareAndSet(this, 0, 1); spins++) {
      if (spins < 64) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
  }

  private void unlock() {
    LOCK.setRelease(this, 0);
  }

  /** A parent (or other source above) is done: so is this node, with the same err and cause. */
  @Override
  void onDone(Done d) {
    cancel(d, false);
  }

  // ---- the list ----

  /** Adds {@code l} to the list; false (and nothing added) if this node is already done. */
  boolean link(DoneLink l) {
    lock();
    try {
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
    } finally {
      unlock();
    }
  }

  /** Removes {@code l} if it is still on the live list; no-op once this node is done. */
  void unlink(DoneLink l) {
    if (done != null) {
      return; // the list is detached: nothing to unlink, and no lock to take (a cancel's wake-ups
      // all come here at once)
    }
    lock();
    try {
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
    } finally {
      unlock();
    }
  }

  /** How many entries are linked; for tests. O(n). */
  int linkedCount() {
    lock();
    try {
      int count = 0;
      for (DoneLink l = head; l != null; l = l.next) {
        count++;
      }
      return count;
    } finally {
      unlock();
    }
  }

  // ---- state and waiting ----

  Done doneState() {
    return done;
  }

  /**
   * Parks until done, interrupted or (if {@code timed}) {@code nanos} elapsed. Returns whether
   * done. A parker claimed by whichever comes first: this context's cancel (through its link, or
   * the task's own cancel, see {@link Waits.Wait#deliveredBy}), or the thread itself on a timeout
   * or interrupt; so a cancellation can tell exactly whether it ended this wait.
   */
  boolean awaitDone(boolean timed, long nanos) throws InterruptedException {
    if (done != null) {
      return true;
    }
    if (timed && nanos <= 0) {
      return false;
    }
    Parker me = new Parker(Thread.currentThread());
    ParkerLink link = wakeWhenDone(me, Parker.CANCELLED);
    try {
      long end = timed ? System.nanoTime() + nanos : 0;
      int won = me.awaitDone(timed, end, Waits.parked("ctx.await", this, this, me));
      if (won == Parker.CANCELLED) {
        return true;
      }
      // Abandoned by this thread: interrupted (the status is set again) or timed out.
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while awaiting " + this);
      }
      return false;
    } finally {
      link.stop();
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
    if (owner != null) {
      owner.appendContextLabel(sb);
    } else if (requestedDeadline == null) {
      sb.append(".withCancel");
    } else {
      sb.append(".withDeadline(").append(requestedDeadline).append(')');
    }
  }
}
