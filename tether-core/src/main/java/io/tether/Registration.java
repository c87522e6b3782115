package io.tether;

import java.util.Optional;

/**
 * A handle on something registered to run later, such as a {@link Context#afterDone} action.
 *
 * <p>Holding a registration keeps nothing alive by itself; the registration is released when it
 * runs, when it is stopped, or when what it is registered on is done.
 *
 * <h2>Memory consistency effects</h2>
 *
 * The action's actions happen-before {@link #join()} returns or throws, and before {@link #task()}
 * reports its end.
 */
public sealed interface Registration permits AfterDone {

  /**
   * Unregisters. Returns {@code true} if this call prevented the run, {@code false} if the run has
   * already started (or happened) or an earlier {@code stop()} already prevented it. Never blocks
   * and never waits for a run in progress.
   */
  boolean stop();

  /**
   * The task running (or that ran) the action; empty until the action starts, and forever if {@link
   * #stop()} prevented it. Never blocks.
   */
  Optional<Task<Void>> task();

  /**
   * Waits until the action has run, and throws what it threw. Returns at once if {@link #stop()}
   * prevented the run. On a registration whose context is never done this waits until interrupted:
   * stop it first, or wait on the context.
   *
   * @throws TaskFailedException if the action threw (the cause is its exception)
   * @throws InterruptedException if interrupted while waiting; the action goes on
   */
  void join() throws InterruptedException;
}
