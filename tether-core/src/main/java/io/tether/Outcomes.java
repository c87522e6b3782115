package io.tether;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.CancellationException;

/**
 * The one rule that decides whether a body that threw was <em>cancelled</em> or <em>failed</em>,
 * shared by {@link Task}, {@link Service}, {@link Supervisor} and {@link Shutdown} (law L4).
 *
 * <p>A throwable counts as the cancellation itself only if the body's context is done <em>and</em>
 * the throwable is how a cancellation shows up in Java: a {@link CancellationException} (which
 * includes {@link DeadlineExceededException} and the context's own {@link Context#err()}), an
 * {@link InterruptedException}, one of the JDK's interrupt-shaped I/O exceptions ({@link
 * InterruptedIOException}, {@link ClosedByInterruptException}), or the very cause given to {@link
 * CancellableContext#cancel(Throwable)}. Anything else is a failure, even when it is thrown after a
 * cancel (an {@code IOException} while shutting down, an {@code AssertionError}), and reaches the
 * owner. A cancellation-shaped throwable while the context is still live is a failure too: nobody
 * asked the body to stop, so its work is not done (a task that lets an inner timeout escape must
 * not look cancelled to a scope whose own context is fine).
 *
 * <p>Only the throwable itself is looked at, not its causes: a body that wraps an {@code
 * InterruptedException} in a {@code RuntimeException} has turned the cancellation into a failure,
 * and is told so.
 */
final class Outcomes {
  private Outcomes() {}

  /** Whether {@code thrown}, thrown by a body whose context is {@code ctx}, is its cancellation. */
  static boolean isCancellation(Throwable thrown, Context ctx) {
    if (!ctx.isDone()) {
      return false;
    }
    return thrown instanceof CancellationException
        || thrown instanceof InterruptedException
        || thrown instanceof InterruptedIOException
        || thrown instanceof ClosedByInterruptException
        || thrown == ctx.cause();
  }
}
