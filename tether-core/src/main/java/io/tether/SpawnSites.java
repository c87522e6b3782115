package io.tether;

import java.lang.StackWalker.StackFrame;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where tasks were spawned (and scopes closed): the first stack frame outside Tether's own entry
 * points.
 *
 * <p>Modes, from the system property {@code tether.spawnSite}: {@code off} (nothing recorded),
 * {@code caller} (the default: one frame) and {@code full} (the whole stack at the spawn).
 *
 * <p>Why {@code caller} is cheap: a lambda or method reference is an instance of a hidden class
 * made for that one expression in the source, so the frame that spawns it is, in practice, always
 * the same. The frame is walked once per such class and then read from a {@link ClassValue}. Other
 * work classes (named or anonymous classes, which may be spawned from many places) are walked on
 * every spawn.
 */
final class SpawnSites {
  private SpawnSites() {}

  enum Mode {
    OFF,
    CALLER,
    FULL
  }

  static final Mode MODE = mode(System.getProperty("tether.spawnSite", "caller"));

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private static final ClassValue<Optional<StackTraceElement>> BY_LAMBDA_CLASS =
      new ClassValue<>() {
        @Override
        protected Optional<StackTraceElement> computeValue(Class<?> type) {
          return Optional.ofNullable(callerFrame());
        }
      };

  private static Mode mode(String value) {
    try {
      return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "system property tether.spawnSite='" + value + "': use off, caller or full", e);
    }
  }

  /**
   * The spawn site of {@code work} (the object the user passed): null, a {@link StackTraceElement}
   * or, in full mode, a {@code StackTraceElement[]}.
   */
  static Object capture(Object work) {
    return switch (MODE) {
      case OFF -> null;
      case CALLER ->
          work.getClass().isHidden()
              ? BY_LAMBDA_CLASS.get(work.getClass()).orElse(null)
              : callerFrame();
      case FULL -> fullStack();
    };
  }

  /**
   * The caller's frame unless capture is off: for rare events whose site is worth a stack walk
   * (closing a channel, starting a ticker).
   */
  static StackTraceElement site() {
    return MODE == Mode.OFF ? null : callerFrame();
  }

  /**
   * The caller's frame in full mode only: for opening and closing scopes, which happen once per
   * request in a typical service, where a stack walk would cost more than the rest of a single-task
   * scope (figures in docs/benchmarks-notes.md).
   */
  static StackTraceElement scopeSite() {
    return MODE == Mode.FULL ? callerFrame() : null;
  }

  static StackTraceElement first(Object site) {
    if (site instanceof StackTraceElement[] stack) {
      return stack.length == 0 ? null : stack[0];
    }
    return (StackTraceElement) site;
  }

  static List<StackTraceElement> stack(Object site) {
    if (site instanceof StackTraceElement[] stack) {
      return List.of(stack);
    }
    return site == null ? List.of() : List.of((StackTraceElement) site);
  }

  private static StackTraceElement callerFrame() {
    return WALKER.walk(frames ->
        frames
            .filter(f -> !internal(f))
            .findFirst()
            .map(StackFrame::toStackTraceElement)
            .orElse(null));
  }

  private static StackTraceElement[] fullStack() {
    return WALKER.walk(frames ->
        frames
            .dropWhile(SpawnSites::internal)
            .map(StackFrame::toStackTraceElement)
            .toArray(StackTraceElement[]::new));
  }

  /**
   * Whether a frame is Tether's own (any class loaded from where this one was: the cancel tree, a
   * ticker stopping on its context, a channel closing) or the JDK machinery between them and the
   * user's frame. A site names the first frame that is neither, so it is always the user's line.
   */
  private static boolean internal(StackFrame f) {
    Class<?> c = f.getDeclaringClass();
    return c == ClassValue.class || OWN.get(c);
  }

  /** Whether {@code type} is one of Tether's own classes; for tests. */
  static boolean isOwn(Class<?> type) {
    return OWN.get(type);
  }

  private static final java.security.CodeSource TETHER_CODE =
      SpawnSites.class.getProtectionDomain().getCodeSource();

  /** Per class: whether it is one of Tether's own (loaded from Tether's jar or classes folder). */
  private static final ClassValue<Boolean> OWN =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          if (type.getClassLoader() != SpawnSites.class.getClassLoader()
              || !type.getPackageName().equals(SpawnSites.class.getPackageName())) {
            return false;
          }
          java.security.CodeSource code = type.getProtectionDomain().getCodeSource();
          return TETHER_CODE == null
              ? code == null
              : code != null && TETHER_CODE.getLocation().equals(code.getLocation());
        }
      };
}
