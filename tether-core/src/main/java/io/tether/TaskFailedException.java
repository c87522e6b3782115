package io.tether;

/**
 * A task failed: thrown by {@link Scope#join()}, {@link Scope#close()} and {@link Task#join()}. The
 * cause is the first failure; in a scope, every later failure is attached as suppressed, so nothing
 * is lost (Tether's law L4: no silent failure).
 */
public final class TaskFailedException extends RuntimeException {
  /** Creates one; {@code cause} is the task's failure. */
  public TaskFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
