package io.tether.testing;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on the errors contexts hand out. */
public final class Errors {
  private Errors() {}

  /**
   * {@code actual} reports the same cancellation as {@code expected} (same class, message and
   * cause) but is a different object: {@code err()} hands out a fresh exception per call, so no
   * caller's {@code addSuppressed} reaches another.
   */
  public static void assertSameCancellation(Throwable actual, Throwable expected) {
    assertThat(actual).isNotNull().isNotSameAs(expected);
    assertThat(actual.getClass()).isEqualTo(expected.getClass());
    assertThat(actual.getMessage()).isEqualTo(expected.getMessage());
    assertThat(actual.getCause()).isSameAs(expected.getCause());
  }
}
