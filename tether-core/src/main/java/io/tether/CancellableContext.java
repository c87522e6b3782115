package io.tether;

/**
 * A {@link Context} its holder can cancel: what {@link Context#withCancel()}, {@link
 * Context#withTimeout} and {@link Context#withDeadline} return. Go's context plus its {@code
 * CancelFunc}, in one object.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * try (CancellableContext c = ctx.withCancel()) {
 *   scope.go(w -> produce(c));
 *   consume(c);
 * } // close() cancels c, however the block ends
 * }</pre>
 *
 * <h2>Cancellation and exit</h2>
 *
 * Cancel it as soon as the work it governs is over: until then it stays registered with its nearest
 * cancellable ancestor (and holds its timer, if it has a deadline). {@link #cancel()}, {@link
 * #cancel(Throwable)} and {@link #close()} are the same operation, idempotent and safe to call from
 * any thread: the first one wins and decides {@link #err()} and {@link #cause()}; later ones change
 * nothing. None of them waits for anything to stop, and none runs user code on the calling thread.
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions before a call that cancels this context happen-before actions after observing it, or any
 * descendant, done (see {@link Context}).
 */
public sealed interface CancellableContext extends Context, AutoCloseable permits CancelNode {

  /** Cancels this context and all its descendants. Does nothing if it is already done. */
  void cancel();

  /**
   * Cancels this context and all its descendants, recording {@code cause}: {@link #cause()} returns
   * it and {@link #err()} carries it as its cause. Does nothing if it is already done.
   *
   * @throws NullPointerException if {@code cause} is null
   */
  void cancel(Throwable cause);

  /** Same as {@link #cancel()}; for try-with-resources. Idempotent. */
  @Override
  void close();
}
