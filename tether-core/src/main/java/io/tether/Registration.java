package io.tether;

/**
 * A handle on something registered to run later, such as a {@link Context#afterDone} action.
 *
 * <p>Holding a registration keeps nothing alive by itself; the registration is released when it
 * runs, when it is stopped, or when what it is registered on is done.
 */
public sealed interface Registration permits AfterDone {

  /**
   * Unregisters. Returns {@code true} if this call prevented the run, {@code false} if the run has
   * already started (or happened) or an earlier {@code stop()} already prevented it. Never blocks
   * and never waits for a run in progress.
   */
  boolean stop();
}
