package io.tether;

/**
 * A task body with no result: what {@link Scope#go} runs. See {@link Work} for how it should treat
 * its context.
 */
@FunctionalInterface
public interface VoidWork {
  /** Runs the task. Whatever it throws reaches the task's owner (see {@link Scope}). */
  void run(Context ctx) throws Exception;
}
