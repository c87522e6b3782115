package io.tether.junit;

import io.tether.LeakShapes;

/**
 * The shape of a leak: why a task or thread outlived its test, each with its general fix. A {@link
 * Leak#fix()} is more exact: it names the owner never closed and the primitive involved.
 *
 * <p>The first five are the shapes goroutine leaks take in Go, and virtual-thread leaks in Java;
 * {@link #UNKNOWN} is anything else (the {@link Leak#description()} then says what it is doing).
 *
 * <p>The shapes and their fixes are the core's shared diagnosis ({@link LeakShapes}), which the
 * production leak watchdog ({@code tether-observe}) reports in the same words.
 */
public enum LeakPattern {
  /** Parked sending on a channel or queue that nobody reads any more. */
  SEND_BLOCKED,
  /** Parked receiving from a channel or queue that nobody sends to or closes. */
  RECEIVE_BLOCKED,
  /** Runnable for the whole settle window without ever parking: a loop with no way out. */
  BUSY_LOOP,
  /** Blocked on a lock or monitor that another thread holds and does not release. */
  LOCK_WAIT,
  /** A ticker or a periodic scheduled task that nobody stopped. */
  TICKER_NOT_STOPPED,
  /** None of the shapes above: see the description and the stack. */
  UNKNOWN;

  /** The fix, in one line: the shared text of {@link LeakShapes.Shape#fix()}. */
  public String fix() {
    return LeakShapes.Shape.valueOf(name()).fix();
  }
}
