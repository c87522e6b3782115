package io.tether;

/**
 * Hears every task's start and end, for tools (metrics, audit, watchdogs): the listener side of
 * {@link TaskEvents#subscribe}. Each method has an empty default; override what you need.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * LongAdder failed = new LongAdder();
 * try (TaskEvents.Subscription s = TaskEvents.subscribe(new TaskListener() {
 *       @Override public void ended(Task<?> task, Task.State outcome, long runNanos) {
 *         if (outcome == Task.State.FAILED) failed.increment();
 *       }
 *     })) {
 *   runTheService(ctx);
 * }                                     // close(): no more calls (and throws if it had failed)
 * }</pre>
 *
 * <h2>Threads and cost</h2>
 *
 * Every method runs synchronously on the thread where the event happens ({@link #spawned} on the
 * spawning thread before the task starts, {@link #ended} on the task's own thread after its end
 * state is published), so it must be short: count, don't log; never block. A listener that throws
 * is removed at once, and its exception is kept on its subscription ({@link
 * TaskEvents.Subscription#failure()}, and thrown by {@code close()}); the task itself is not
 * affected. With no subscription (and no trace or JFR recording) the core pays one volatile read
 * per event site.
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions before a spawn happen-before {@link #spawned}; a task's actions happen-before {@link
 * #ended} for it, which sees its end state in {@link Task#state()}.
 */
public interface TaskListener {

  /** {@code task} was spawned and is about to start; on the spawning thread. */
  default void spawned(Task<?> task) {}

  /**
   * {@code task} ended with {@code outcome} (SUCCEEDED, FAILED or CANCELLED) after {@code runNanos}
   * nanoseconds from its spawn; on the task's thread.
   */
  default void ended(Task<?> task, Task.State outcome, long runNanos) {}

  /** A bounded stop ({@link Scope#stop}) gave up waiting for {@code task}, which is still alive. */
  default void straggler(Task<?> task) {}

  /** A supervisor at {@code supervisorPath} restarted its child named {@code child}. */
  default void restarted(String supervisorPath, String child) {}

  /**
   * A leak watchdog suspects {@code task} of leaking ({@link TaskEvents#reportLeak}); {@code shape}
   * names the leak's shape ({@code RECEIVE_BLOCKED}, ...), {@code description} says why and how to
   * fix it.
   */
  default void leakSuspected(TaskInfo task, String shape, String description) {}
}
