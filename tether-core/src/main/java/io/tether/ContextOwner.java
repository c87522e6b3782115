package io.tether;

import io.tether.ContextErrors.Done;

/**
 * What owns a context of its own (a {@link Task} or a {@link Scope}), as the cancel tree sees it.
 * The cancel tree sits below tasks: it knows its owners only through this class, which it defines
 * and they extend. (An abstract class rather than an interface, so that these members stay
 * package-private instead of joining the public API of {@code Task} and {@code Scope}.)
 */
abstract class ContextOwner {
  /** Appends how the owned context names its owner in a context's label, e.g. {@code .task(x)}. */
  abstract void appendContextLabel(StringBuilder sb);

  /**
   * Whether the owned context is linked on its parent's list. A scope's is; a task's is not (its
   * scope tracks its live tasks and cancels each itself).
   */
  boolean contextLinkedOnParent() {
    return true;
  }

  /**
   * The wait the owner's thread is parked in now, or null; read by a cancel of the owned context
   * before the cascade wakes anything.
   */
  Waits.Wait parkedIn() {
    return null;
  }

  /**
   * Told last by a cancel of the owned context, once the whole subtree is done; {@code seen} is
   * what {@link #parkedIn()} returned before the cascade.
   */
  void contextCancelled(Done d, Waits.Wait seen) {}
}
