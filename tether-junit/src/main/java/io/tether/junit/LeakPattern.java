package io.tether.junit;

/**
 * The shape of a leak: why a task or thread outlived its test, each with its general fix. A {@link
 * Leak#fix()} is more exact: it names the owner never closed and the primitive involved.
 *
 * <p>The first five are the shapes goroutine leaks take in Go, and virtual-thread leaks in Java;
 * {@link #UNKNOWN} is anything else (the {@link Leak#description()} then says what it is doing).
 */
public enum LeakPattern {
  /** Parked sending on a channel or queue that nobody reads any more. */
  SEND_BLOCKED(
      "buffer the channel by the number of senders, or send in a select with ctx.onDone(...)"),
  /** Parked receiving from a channel or queue that nobody sends to or closes. */
  RECEIVE_BLOCKED(
      "close the channel from the sending side when done, or receive with a context (receive(ctx))"),
  /** Runnable for the whole settle window without ever parking: a loop with no way out. */
  BUSY_LOOP("check ctx.isDone() (or the interrupt status) in the loop and return when it is set"),
  /** Blocked on a lock or monitor that another thread holds and does not release. */
  LOCK_WAIT("do not hold a lock across blocking work; release it in finally"),
  /** A ticker or a periodic scheduled task that nobody stopped. */
  TICKER_NOT_STOPPED("stop it: open it with try-with-resources, or shutdown() the executor"),
  /** None of the shapes above: see the description and the stack. */
  UNKNOWN("make its owner cancel and join it before the test ends (try-with-resources on a Scope)");

  private final String fix;

  LeakPattern(String fix) {
    this.fix = fix;
  }

  /** The fix, in one line. */
  public String fix() {
    return fix;
  }
}
