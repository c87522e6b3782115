package io.tether;

/**
 * A task body that produces a value: what {@link Scope#spawn} runs on its own virtual thread. It
 * receives the task's own context; stop when that context is done (check {@link Context#isDone()},
 * block in context-aware calls, or let the interrupt that cancellation delivers end JDK blocking
 * calls).
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Work<T> {
  /** Runs the task. Whatever it throws reaches the task's owner (see {@link Scope}). */
  T run(Context ctx) throws Exception;
}
