package io.tether.junit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the leak check settles and what it ignores. Immutable: each {@code with}/{@code ignore}
 * method returns a new value.
 *
 * <p>What ran when the {@link Baseline} was taken is always ignored ("ignore what runs now"): the
 * check only reports what started after it. On top of that, the JVM's, JUnit's, Maven Surefire's
 * and Tether's own service threads are ignored by default (the package-private {@code
 * DefaultIgnores} lists each with why it is benign).
 *
 * <p>Name and frame patterns are exact, or end in {@code *} to match a prefix: {@code
 * "pool-3-thread-*"}, {@code "com.acme.Poller.run"}, {@code "com.acme.cache.*"}. A frame is written
 * {@code class.method}, as in a stack trace.
 */
public final class LeakOptions {
  /** The default settle window: one second. */
  public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(1);

  private static final LeakOptions DEFAULTS =
      new LeakOptions(DEFAULT_SETTLE, List.of(), List.of(), List.of(), List.of());

  final Duration settle;
  final List<String> threadNames;
  final List<String> topFrames;
  final List<String> anyFrames;
  final List<String> spawnSites;

  private LeakOptions(
      Duration settle,
      List<String> threadNames,
      List<String> topFrames,
      List<String> anyFrames,
      List<String> spawnSites) {
    this.settle = settle;
    this.threadNames = List.copyOf(threadNames);
    this.topFrames = List.copyOf(topFrames);
    this.anyFrames = List.copyOf(anyFrames);
    this.spawnSites = List.copyOf(spawnSites);
  }

  /** A one-second settle window and only the default ignores. */
  public static LeakOptions defaults() {
    return DEFAULTS;
  }

  /**
   * The one deadline for settling: a task or thread that ends within this window after the check
   * begins is not a leak. The check looks again with capped exponential backoff (1 ms, 2 ms, 4 ms,
   * ... at most 100 ms apart) until everything has ended or the window is over; a clean run pays
   * one look.
   *
   * @throws IllegalArgumentException if {@code settle} is negative
   */
  public LeakOptions settle(Duration settle) {
    Objects.requireNonNull(settle, "settle");
    if (settle.isNegative()) {
      throw new IllegalArgumentException("settle window " + settle + " is negative; use 0 or more");
    }
    return new LeakOptions(settle, threadNames, topFrames, anyFrames, spawnSites);
  }

  /** Ignores threads and tasks with this name (exact, or a prefix ending in {@code *}). */
  public LeakOptions ignoreThreadName(String pattern) {
    return new LeakOptions(settle, plus(threadNames, pattern), topFrames, anyFrames, spawnSites);
  }

  /**
   * Ignores threads whose top frame outside the JDK and Tether matches: where the code blocks or
   * spins ({@code com.acme.Poller.awaitWork}). Park and queue plumbing of the JDK and Tether is
   * skipped, so the pattern names application code.
   */
  public LeakOptions ignoreTopFrame(String pattern) {
    return new LeakOptions(settle, threadNames, plus(topFrames, pattern), anyFrames, spawnSites);
  }

  /** Ignores threads with a frame anywhere in their stack that matches. */
  public LeakOptions ignoreAnyFrame(String pattern) {
    return new LeakOptions(settle, threadNames, topFrames, plus(anyFrames, pattern), spawnSites);
  }

  /**
   * Ignores Tether tasks, scopes and tickers spawned, opened or started at a matching site ({@code
   * class.method} of the spawning frame).
   */
  public LeakOptions ignoreSpawnSite(String pattern) {
    return new LeakOptions(settle, threadNames, topFrames, anyFrames, plus(spawnSites, pattern));
  }

  private static List<String> plus(List<String> list, String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    if (pattern.isBlank() || pattern.equals("*")) {
      throw new IllegalArgumentException(
          "ignore pattern '" + pattern + "' would match everything; name what to ignore");
    }
    List<String> out = new ArrayList<>(list);
    out.add(pattern);
    return out;
  }

  static boolean matches(String pattern, String text) {
    if (text == null) {
      return false;
    }
    return pattern.endsWith("*")
        ? text.startsWith(pattern.substring(0, pattern.length() - 1))
        : text.equals(pattern);
  }

  static boolean anyMatches(List<String> patterns, String text) {
    for (String p : patterns) {
      if (matches(p, text)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "LeakOptions[settle "
        + settle
        + ", ignore names "
        + threadNames
        + ", top frames "
        + topFrames
        + ", any frames "
        + anyFrames
        + ", spawn sites "
        + spawnSites
        + "]";
  }
}
