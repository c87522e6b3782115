package io.tether;

import java.util.concurrent.CancellationException;

/**
 * The {@link Context#err()} of a context whose deadline passed (Go's {@code
 * context.DeadlineExceeded}). A {@link CancellationException}, so code that handles cancellation
 * handles timeouts too; catch this type to tell them apart.
 *
 * <p>The instance returned by {@code err()} carries no stack trace (cancelling must stay cheap);
 * {@link Context#throwIfDone()} throws a new one with the caller's stack.
 */
public sealed class DeadlineExceededException extends CancellationException
    permits ContextErrors.Deadline {

  /** Creates one with the given detail message. */
  public DeadlineExceededException(String message) {
    super(message);
  }
}
