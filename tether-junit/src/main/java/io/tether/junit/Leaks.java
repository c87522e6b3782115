package io.tether.junit;

import java.util.Objects;

/**
 * The leak check as a library call: Go's goleak for Java, virtual threads included.
 *
 * <pre>{@code
 * Baseline baseline = Leaks.snapshot();     // ignores what runs now
 * runCodeUnderTest();
 * baseline.verifyNone();                    // throws LeakError naming each leak, its shape and fix
 * }</pre>
 *
 * <p>In JUnit, use {@link LeakCheck} per test or per class, or switch the whole-suite check on with
 * {@code tether.leakcheck.suite=true} in {@code junit-platform.properties} (see {@link
 * LeakCheckListener}).
 *
 * <p>Virtual threads started outside Tether are seen fastest when the JVM runs with {@code
 * --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}; without it the check still sees them, from
 * a JSON thread dump taken only when a thread was created since the baseline.
 */
public final class Leaks {
  private Leaks() {}

  /** A baseline with the default options: a one-second settle window, the default ignores. */
  public static Baseline snapshot() {
    return new Baseline(LeakOptions.defaults());
  }

  /** A baseline of what runs now, checked later with {@code options}. */
  public static Baseline snapshot(LeakOptions options) {
    return new Baseline(Objects.requireNonNull(options, "options"));
  }
}
