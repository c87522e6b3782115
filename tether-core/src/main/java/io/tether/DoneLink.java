package io.tether;

import io.tether.ContextErrors.Done;

/**
 * An entry of a {@link CancelNode}'s intrusive list of things to notify once it is done: child
 * contexts, waiting threads, {@code afterDone} actions, select clauses.
 *
 * <p>Intrusive so that registering and unregistering allocate nothing and take O(1): a parent with
 * hundreds of thousands of short-lived children pays the same per child as one with a single child.
 */
abstract class DoneLink {
  /** Neighbours in the list; guarded by the lock of the node whose list this is on. */
  DoneLink prev;

  DoneLink next;

  /**
   * Called once, after the node this is linked on became done, outside any lock, on the cancelling
   * thread (which may be the timer thread). Must be quick and must not run user code.
   */
  abstract void onDone(Done done);
}
