package io.tether;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;

/**
 * A stop signal with a deadline, a cause and request-scoped values: Go's {@code context.Context}
 * for Java. Pass it first and name it {@code ctx}.
 *
 * <p>Contexts form a tree. The root is {@link #background()}, which is never done. Each {@code
 * with...} method derives a child. A child is done when its parent is done, when its own deadline
 * passes, or when its own {@link CancellableContext#cancel() cancel} is called; cancelling a child
 * never touches its parent.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * String fetch(Context ctx, URI uri) throws Exception {
 *   try (CancellableContext c = ctx.withTimeout(Duration.ofSeconds(2))) {
 *     return client.get(c, uri);           // gives up when c is done
 *   }                                      // close() cancels c: nothing is left registered
 * }
 *
 * void loop(Context ctx) throws InterruptedException {
 *   while (!ctx.isDone()) {
 *     step();
 *   }
 *   // or block until cancelled:  ctx.await();
 * }
 * }</pre>
 *
 * <h2>Cancellation and exit</h2>
 *
 * <ul>
 *   <li>Cancellation flows down, never up. The first cancel wins: later calls change nothing,
 *       including {@link #err()} and {@link #cause()}.
 *   <li>A child made by {@link #withCancel()}, {@link #withTimeout} or {@link #withDeadline} is
 *       registered with its nearest cancellable ancestor until it is done. Cancel it (or close it,
 *       which is the same) when you no longer need it; a child you forget stays registered, and a
 *       child with a deadline keeps its timer, until the parent is done or the deadline passes.
 *       Once cancelled, it unregisters itself, so a long-lived parent does not grow.
 *   <li>Cancelling does not wait for anybody to stop: it flips the state and wakes whoever waits in
 *       {@link #await()}. Waiting for work to end is the job of its owner ({@code Scope}, {@code
 *       Service}).
 *   <li>No thread is created per context. All deadlines share one timer thread, {@code
 *       tether-timer}, a daemon started on first use, that only flips a context to done when its
 *       deadline passes; waking what was registered on it runs on a virtual thread, so a large tree
 *       never delays another deadline. Cancelling never runs user code on the cancelling thread:
 *       {@link #afterDone} actions run as tasks of their own.
 * </ul>
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions in a thread before it cancels a context (directly, through an ancestor, or by a deadline
 * passing) <i>happen-before</i> actions in another thread that follow observing that context or any
 * of its descendants done: {@link #isDone()} returning {@code true}, {@link #err()} returning
 * non-null, {@link #await()} returning, an {@link #afterDone} action running. Actions before {@link
 * #withValue} happen-before {@link #value} returning that value in any thread that received the
 * derived context.
 *
 * <h2>Bad input</h2>
 *
 * A {@code null} argument throws {@link NullPointerException} naming it. A timeout that is zero or
 * negative, or a deadline in the past, is not an error: the context is born done with a {@link
 * DeadlineExceededException}, as in Go.
 *
 * <p>The implementations are internal; this interface is sealed.
 */
public sealed interface Context permits CancellableContext, AbstractContext {

  /**
   * The root context: never cancelled, no deadline, no values. Every tree of contexts starts here.
   */
  static Context background() {
    return Background.INSTANCE;
  }

  /**
   * Derives a child that is done when this context is done or when the child is cancelled.
   *
   * <p>The caller owns the child: cancel or close it when done with it (try-with-resources).
   */
  CancellableContext withCancel();

  /**
   * Derives a cancellable child that is also done, with {@link DeadlineExceededException}, once
   * {@code timeout} has elapsed. Equivalent to {@code withDeadline(Instant.now().plus(timeout))},
   * except that the timer runs on the monotonic clock. Zero or negative: born done.
   *
   * @throws NullPointerException if {@code timeout} is null
   */
  CancellableContext withTimeout(Duration timeout);

  /**
   * Derives a cancellable child that is also done, with {@link DeadlineExceededException}, at
   * {@code deadline}. A child's deadline is never later than its parent's: if this context has an
   * earlier one, the child keeps that one and needs no timer of its own. In the past: born done.
   *
   * @throws NullPointerException if {@code deadline} is null
   */
  CancellableContext withDeadline(Instant deadline);

  /**
   * Derives a context that carries this context's values but is never done and has no deadline: for
   * work that must outlive the request that started it (an audit write, a cleanup). Its descendants
   * are cancelled only by their own cancels and deadlines.
   */
  Context withoutCancel();

  /**
   * Derives a context in which {@link #value(Key) value(key)} returns {@code value}; it is done
   * exactly when this context is. Keys are compared by identity, so only holders of the key can
   * read or shadow the value.
   *
   * @throws NullPointerException if {@code key} or {@code value} is null (so that a {@code null}
   *     from {@link #value} always means "absent")
   */
  <T> Context withValue(Key<T> key, T value);

  /**
   * Returns the value bound to {@code key} by the nearest {@link #withValue} on the path to the
   * root, or {@code null} if none is.
   *
   * @throws NullPointerException if {@code key} is null
   */
  <T> T value(Key<T> key);

  /** Returns whether this context is done. Never blocks. */
  boolean isDone();

  /**
   * Returns {@code null} while this context is live; once done, a {@link DeadlineExceededException}
   * if a deadline fired, else a {@link CancellationException}. The same instance every time; a
   * child cancelled by its parent returns the parent's. To keep cancellation cheap it carries no
   * stack trace; its cause is the cause given to {@link CancellableContext#cancel(Throwable)}, if
   * any.
   */
  CancellationException err();

  /**
   * Returns {@code null} while live; once done, the cause given to {@link
   * CancellableContext#cancel(Throwable)} (by this context or the ancestor that cancelled it), else
   * {@link #err()}.
   */
  Throwable cause();

  /**
   * Returns when this context will be done by itself, if ever: the earliest deadline on the path to
   * the root (up to the nearest {@link #withoutCancel()}).
   */
  Optional<Instant> deadline();

  /**
   * Blocks until this context is done. Returns at once if it is already done. For {@link
   * #background()} and {@link #withoutCancel()} contexts this waits until interrupted.
   *
   * <p>A waiting thread is woken directly by the cancel (no interrupt needed).
   *
   * @throws InterruptedException if the thread is interrupted while waiting; the context is not
   *     affected
   */
  void await() throws InterruptedException;

  /**
   * Blocks until this context is done or {@code timeout} elapses.
   *
   * @return {@code true} if the context is done, {@code false} if the time ran out first
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws NullPointerException if {@code timeout} is null
   */
  boolean await(Duration timeout) throws InterruptedException;

  /**
   * Does nothing while this context is live; once done, throws a new exception of the same type as
   * {@link #err()} (so {@link DeadlineExceededException} for a deadline), with the current stack
   * trace and the cancel's cause, if any, as its cause. For loops that check between steps.
   *
   * @throws CancellationException if this context is done
   */
  void throwIfDone();

  /**
   * Arranges for {@code action} to run once, as a task of its own, after this context is done (at
   * once if it already is): Go's {@code context.AfterFunc}. The returned registration's {@link
   * Registration#stop() stop()} unregisters the action and tells whether that prevented it from
   * running. On a context that can never be done the action never runs.
   *
   * <p>The action runs as task {@code run} of a scope named {@code afterDone} that exists while it
   * runs, so it shows in {@link Tasks#snapshot()} and in the leak check like any task. Its outcome
   * reaches the registrant through the registration: {@link Registration#join()} waits for it and
   * throws {@link TaskFailedException} if it threw, and {@link Registration#task()} is its handle.
   * Nothing is only logged: an action whose failure matters must be joined.
   *
   * @throws NullPointerException if {@code action} is null
   */
  Registration afterDone(Runnable action);

  /**
   * Returns a {@code select} clause that is ready once this context is done; if chosen, {@code
   * select} returns {@code action.get()}. Creating the clause registers nothing.
   *
   * @throws NullPointerException if {@code action} is null
   */
  <R> SelectClause<R> onDone(Supplier<? extends R> action);

  /**
   * A key for {@link Context#withValue}. Keys are identities: two keys with the same name are
   * different keys. Hold the key in a {@code static final} field of the code that owns the value.
   *
   * @param <T> the type of the value
   */
  final class Key<T> {
    private final String name;

    private Key(String name) {
      this.name = name;
    }

    /**
     * Creates a new, distinct key. The name is for {@code toString()} and dumps only.
     *
     * @throws NullPointerException if {@code name} is null
     */
    public static <T> Key<T> of(String name) {
      return new Key<>(Objects.requireNonNull(name, "name"));
    }

    /** The name given to {@link #of}. */
    public String name() {
      return name;
    }

    @Override
    public String toString() {
      return "Key(" + name + ")";
    }
  }
}
