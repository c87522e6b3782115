package io.tether.junit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The leak check as a JUnit 5 extension: fails a test that leaves Tether tasks, scopes, tickers or
 * threads (virtual ones included) running after it ends.
 *
 * <h2>Modes</h2>
 *
 * <pre>{@code
 * @ExtendWith(LeakCheck.class)              // each test, and the class as a whole (@BeforeAll/@AfterAll)
 * class OrderServiceTest { ... }
 *
 * class CacheTest {                          // the class as a whole only
 *   @RegisterExtension static LeakCheck leaks = LeakCheck.perClass();
 * }
 *
 * class PollerTest {                         // each test, with options
 *   @RegisterExtension LeakCheck leaks =
 *       LeakCheck.perTest(LeakOptions.defaults().ignoreThreadName("poller-*"));
 * }
 * }</pre>
 *
 * For every test class without an annotation, see {@link LeakCheckListener}.
 *
 * <h2>When it checks</h2>
 *
 * The baseline is taken before each test's {@code @BeforeEach} methods and checked after its
 * {@code @AfterEach} methods, so cleanup there counts. The check runs even when the test failed; a
 * leak is then reported beside the failure (JUnit adds it as a suppressed exception). It settles
 * first: see {@link LeakOptions#settle(Duration)}; the configuration parameter {@code
 * tether.leakcheck.settle} ({@code 500ms}, {@code 2s} or ISO-8601 {@code PT2S}) sets it for every
 * check that was not given options.
 *
 * <h2>Parallel tests</h2>
 *
 * A Tether task is blamed on the test whose thread opened the root of its owner chain, not on
 * whichever test finishes first. A raw thread started while other checked tests run is reported by
 * the class-level (or suite) check, not guessed at.
 */
public final class LeakCheck
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  /** The configuration parameter for the settle window. */
  public static final String SETTLE_KEY = "tether.leakcheck.settle";

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(LeakCheck.class);

  private final boolean perTest;
  private final boolean perClass;
  private final LeakOptions options; // null: defaults, with the settle window from configuration

  /** Each test and the class as a whole, default options: what {@code @ExtendWith} creates. */
  public LeakCheck() {
    this(true, true, null);
  }

  private LeakCheck(boolean perTest, boolean perClass, LeakOptions options) {
    this.perTest = perTest;
    this.perClass = perClass;
    this.options = options;
  }

  /** The class as a whole: register it in a static {@code @RegisterExtension} field. */
  public static LeakCheck perClass() {
    return new LeakCheck(false, true, null);
  }

  /** The class as a whole, with {@code options}. */
  public static LeakCheck perClass(LeakOptions options) {
    return new LeakCheck(false, true, Objects.requireNonNull(options, "options"));
  }

  /** Each test, with {@code options}: register it in a {@code @RegisterExtension} field. */
  public static LeakCheck perTest(LeakOptions options) {
    return new LeakCheck(true, false, Objects.requireNonNull(options, "options"));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (perClass) {
      context.getStore(NS).put("class", Leaks.snapshot(options(context)));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (!perClass) {
      return;
    }
    Baseline baseline = context.getStore(NS).remove("class", Baseline.class);
    if (baseline != null) {
      String name = context.getRequiredTestClass().getName();
      check(baseline, new Blame(name, Thread.currentThread(), false), "class " + name, context);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (perTest) {
      Blame.RUNNING.put(Thread.currentThread(), testName(context));
      context.getStore(NS).put("test", Leaks.snapshot(options(context)));
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perTest) {
      return;
    }
    Baseline baseline = context.getStore(NS).remove("test", Baseline.class);
    if (baseline == null) {
      return;
    }
    String name = testName(context);
    try {
      check(baseline, new Blame(name, Thread.currentThread(), true), "test " + name, context);
    } finally {
      Blame.RUNNING.remove(Thread.currentThread());
    }
  }

  private static void check(
      Baseline baseline, Blame blame, String subject, ExtensionContext context) {
    List<Leak> leaks = baseline.find(blame);
    if (leaks.isEmpty()) {
      return;
    }
    Optional<Throwable> failed = context.getExecutionException();
    throw baseline.error(
        leaks, subject + failed.map(t -> " (which also failed: " + t + ")").orElse(""));
  }

  private static String testName(ExtensionContext context) {
    return context.getRequiredTestClass().getSimpleName()
        + "."
        + context.getRequiredTestMethod().getName()
        + (context.getDisplayName().startsWith(context.getRequiredTestMethod().getName())
            ? ""
            : " [" + context.getDisplayName() + "]");
  }

  private LeakOptions options(ExtensionContext context) {
    if (options != null) {
      return options;
    }
    return context
        .getConfigurationParameter(SETTLE_KEY)
        .map(s -> LeakOptions.defaults().settle(parseDuration(SETTLE_KEY, s)))
        .orElse(LeakOptions.defaults());
  }

  /** {@code 500ms}, {@code 2s}, or ISO-8601 ({@code PT2S}). */
  static Duration parseDuration(String key, String text) {
    String s = text.trim();
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
      }
      if (s.endsWith("s") && !s.startsWith("P")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(s.substring(0, s.length() - 1).trim()) * 1000));
      }
      return Duration.parse(s);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          key + " = '" + text + "' is not a duration; write 500ms, 2s or PT2S", e);
    }
  }
}
