package io.tether;

import io.tether.ContextErrors.Done;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The one implementation of {@link Context}'s behaviour; subclasses only say where done-ness,
 * deadline and values come from.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>{@code source} is the nearest {@link CancelNode} at or above this node, stopping at a
 *       {@link DetachedNode} or the root; {@code null} means "can never be done". All done-state
 *       queries go to it, so they cost one field read, whatever the depth.
 *   <li>A node is immutable after construction except for {@link CancelNode}'s done state, list and
 *       timer.
 *   <li>Extends {@link DoneLink} so a {@link CancelNode} can sit in its parent's list without an
 *       extra allocation; the other kinds never do.
 * </ul>
 */
abstract sealed class AbstractContext extends DoneLink implements Context, Waits.DoneSource
    permits Background, CancelNode, ValueNode, DetachedNode {

  /** The context this one was derived from; null only for {@link Background}. */
  final AbstractContext parent;

  /**
   * Where done-ness comes from (see the class comment); null if this context is never done. A
   * {@link CancelNode} is its own source.
   */
  final CancelNode source;

  AbstractContext(AbstractContext parent, CancelNode source) {
    this.parent = parent;
    this.source = this instanceof CancelNode self ? self : source;
  }

  /** The effective deadline, or null. */
  abstract Instant deadlineOrNull();

  /** Appends this node's step of the lineage, e.g. {@code .withCancel}. */
  abstract void appendLabel(StringBuilder sb);

  @Override
  void onDone(Done done) {
    throw new AssertionError(this + " is not a cancellable context and is never linked");
  }

  // ---- deriving ----

  @Override
  public final CancellableContext withCancel() {
    return CancelNode.create(this, null, 0);
  }

  @Override
  public final CancellableContext withTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    Instant deadline;
    try {
      deadline = Instant.now().plus(timeout);
    } catch (DateTimeException | ArithmeticException beyondRange) {
      deadline = timeout.isNegative() ? Instant.MIN : Instant.MAX;
    }
    return CancelNode.create(this, deadline, saturatedNanos(timeout));
  }

  @Override
  public final CancellableContext withDeadline(Instant deadline) {
    Objects.requireNonNull(deadline, "deadline");
    // Any two Instants are less than Long.MAX_VALUE seconds apart: this cannot overflow.
    Duration delay = Duration.between(Instant.now(), deadline);
    return CancelNode.create(this, deadline, saturatedNanos(delay));
  }

  @Override
  public final Context withoutCancel() {
    return new DetachedNode(this);
  }

  @Override
  public final <T> Context withValue(Key<T> key, T value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    return new ValueNode(this, key, value);
  }

  @Override
  @SuppressWarnings("unchecked")
  public final <T> T value(Key<T> key) {
    Objects.requireNonNull(key, "key");
    for (AbstractContext c = this; c != null; c = c.parent) {
      if (c instanceof ValueNode v && v.key == key) {
        return (T) v.value;
      }
    }
    return null;
  }

  // ---- state ----

  /** The done state, or null while live (or forever, for a context that can never be done). */
  @Override
  public final Done done() {
    CancelNode s = source;
    return s == null ? null : s.doneState();
  }

  @Override
  public final boolean isDone() {
    return done() != null;
  }

  @Override
  public final CancellationException err() {
    Done d = done();
    return d == null ? null : d.err();
  }

  @Override
  public final Throwable cause() {
    Done d = done();
    return d == null ? null : d.causeOrErr();
  }

  @Override
  public final Optional<Instant> deadline() {
    return Optional.ofNullable(deadlineOrNull());
  }

  @Override
  public final void throwIfDone() {
    Done d = done();
    if (d == null) {
      return;
    }
    String message = d.message();
    CancellationException e =
        d.deadlineExceeded()
            ? new DeadlineExceededException(message)
            : new CancellationException(message);
    if (d.cause() != null) {
      e.initCause(d.cause());
    }
    throw e;
  }

  /**
   * Throws {@code ctx.err()} if {@code ctx} (may be null) is done: what a Tether wait cut short by
   * its context throws. A fresh exception without a stack trace, so that a cancel reaching 10,000
   * waiters does not pay for 10,000 stack walks (Kotlin's cancellation exceptions are stackless for
   * the same reason); its message names the context and its cause is the cancel's cause.
   */
  static void throwErrIfDone(Context ctx) {
    if (ctx != null) {
      Done d = ((AbstractContext) ctx).done();
      if (d != null) {
        throw d.err();
      }
    }
  }

  // ---- waiting ----

  @Override
  public final void await() throws InterruptedException {
    CancelNode s = source;
    if (s == null) {
      parkUntilInterrupted();
    }
    s.awaitDone(false, 0);
  }

  @Override
  public final boolean await(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    long nanos = saturatedNanos(timeout);
    CancelNode s = source;
    if (s == null) {
      parkFor(nanos);
      return false;
    }
    return s.awaitDone(true, nanos);
  }

  private void parkUntilInterrupted() throws InterruptedException {
    Waits.Wait wait = Waits.begin("ctx.await", this);
    while (true) {
      LockSupport.park(wait);
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while awaiting " + this);
      }
    }
  }

  private void parkFor(long nanos) throws InterruptedException {
    Waits.Wait wait = Waits.begin("ctx.await", this);
    long end = System.nanoTime() + nanos;
    for (long left = nanos; left > 0; left = end - System.nanoTime()) {
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while awaiting " + this);
      }
      LockSupport.parkNanos(wait, left);
    }
  }

  // ---- callbacks and select ----

  @Override
  public final Registration afterDone(Runnable action) {
    Objects.requireNonNull(action, "action");
    AfterDone registration = new AfterDone(this, action);
    CancelNode s = source;
    if (s != null && !s.link(registration)) {
      registration.onDone(s.doneState());
    }
    return registration;
  }

  /**
   * Arranges for {@code parker} to be claimed for {@code clause} and woken once this context is
   * done; if it already is, does so now. Returns the link to {@link ParkerLink#stop()}, or null if
   * this context can never be done. Never runs user code.
   */
  final ParkerLink wakeWhenDone(Parker parker, int clause) {
    CancelNode s = source;
    if (s == null) {
      return null;
    }
    ParkerLink link = new ParkerLink(s, parker, clause);
    if (!s.link(link)) {
      link.onDone(s.doneState());
    }
    return link;
  }

  /** Claims and wakes a parked operation when a context is done. */
  static final class ParkerLink extends DoneLink {
    private final CancelNode source;
    private final Parker parker;
    private final int clause;

    ParkerLink(CancelNode source, Parker parker, int clause) {
      this.source = source;
      this.parker = parker;
      this.clause = clause;
    }

    @Override
    void onDone(Done done) {
      parker.claimAndComplete(clause);
    }

    void stop() {
      source.unlink(this);
    }
  }

  @Override
  public final <R> SelectClause<R> onDone(Supplier<? extends R> action) {
    Objects.requireNonNull(action, "action");
    return new DoneClause<>(this, action);
  }

  // ---- naming ----

  /** {@code background.withCancel.withValue(user)}: how this context was derived. */
  final String lineage() {
    StringBuilder sb = new StringBuilder();
    appendLineage(sb);
    return sb.toString();
  }

  private void appendLineage(StringBuilder sb) {
    if (parent != null) {
      parent.appendLineage(sb);
    }
    appendLabel(sb);
  }

  /**
   * Lineage and state: {@code background.withCancel.withDeadline(...)[done: deadline exceeded]}.
   */
  @Override
  public final String toString() {
    Done d = done();
    String state;
    if (d == null) {
      state = "live";
    } else if (d.deadlineExceeded()) {
      state = "done: deadline exceeded";
    } else if (d.cause() != null) {
      state = "done: cancelled: " + d.cause();
    } else {
      state = "done: cancelled";
    }
    return lineage() + "[" + state + "]";
  }

  // ---- helpers ----

  static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException overflow) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
