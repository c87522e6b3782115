package io.tether.junit;

import java.util.List;

/**
 * The leak check failed: tasks or threads outlived the code under check. The message lists every
 * leak, grouped when several are alike, each with its shape and fix; {@link #leaks()} has them as
 * data.
 */
public final class LeakError extends AssertionError {
  private static final long serialVersionUID = 1L;

  private final transient List<Leak> leaks;

  LeakError(String message, List<Leak> leaks) {
    super(message);
    this.leaks = List.copyOf(leaks);
  }

  /** Every leak found, in the order of the message. */
  public List<Leak> leaks() {
    return leaks;
  }
}
