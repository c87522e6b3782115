package io.tether.observe;

import io.tether.DumpFormat;
import io.tether.Tasks;
import java.io.PrintStream;
import java.util.Objects;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Prints the grouped dump of the task registry when the process gets a signal: Go's {@code SIGUSR1}
 * handler that calls {@code runtime.Stack}. Opt-in; {@code kill -USR1 <pid>} then prints who owns
 * each task, where it waits and for how long, without stopping anything.
 *
 * <pre>{@code
 * try (SignalDump dumps = SignalDump.install()) {   // SIGUSR1 -> grouped dump on stderr
 *   serve(ctx);
 * }                                                 // close(): the previous handler is back
 * }</pre>
 *
 * <h2>Which signal</h2>
 *
 * {@code SIGUSR1}, the default here, is left free by HotSpot on Linux and macOS (checked on JDK 21
 * and 25 with {@code sun.misc.Signal}). HotSpot keeps {@code SIGQUIT} for its own thread dump
 * ({@code kill -QUIT}, which shows carrier threads, not what Tether's tasks wait on) and refuses it
 * here; it has used {@code SIGUSR2} to suspend and resume threads ({@code _JAVA_SR_SIGNUM}), so
 * although JDK 25 accepts a handler for it, it is a poor choice; {@code SIGINT}, {@code SIGTERM}
 * and {@code SIGHUP} mean "stop" ({@link io.tether.Shutdown}). Careful: a JVM that has <em>not</em>
 * installed this handler dies of {@code SIGUSR1} (the signal's default action), as a Go program
 * without {@code signal.Notify} would.
 *
 * <h2>Threads and exit</h2>
 *
 * The JVM runs each handler call on a short-lived platform thread of its own; the dump is printed
 * there, whole, in one write. {@link #close()} puts back the handler that was installed before (the
 * JVM's default if none), so after it the signal does what it did before.
 */
public final class SignalDump implements AutoCloseable {
  /** The default signal: {@code USR1} (without the {@code SIG}, as {@code sun.misc.Signal}). */
  public static final String DEFAULT_SIGNAL = "USR1";

  private final Signal signal;
  private final SignalHandler previous;
  private boolean closed; // guarded by this

  private SignalDump(Signal signal, SignalHandler previous) {
    this.signal = signal;
    this.previous = previous;
  }

  /** Prints the grouped dump to {@code System.err} on {@code SIGUSR1}. */
  public static SignalDump install() {
    return install(DEFAULT_SIGNAL, System.err);
  }

  /**
   * Prints the grouped dump to {@code out} on {@code signal} ({@code "USR1"}, without {@code SIG}).
   * The caller owns the handle: {@link #close()} restores the previous handler.
   *
   * @throws IllegalArgumentException if the JVM or the OS keeps that signal ({@code QUIT}, or one
   *     the platform does not know)
   * @throws NullPointerException if an argument is null
   */
  public static SignalDump install(String signal, PrintStream out) {
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(out, "out");
    Signal s;
    try {
      s = new Signal(signal);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "SignalDump: unknown signal '" + signal + "'; use a name without SIG, such as USR1", e);
    }
    SignalHandler mine =
        sig -> {
          String text;
          try {
            text =
                "tether: SIG"
                    + sig.getName()
                    + ": grouped dump of the task registry\n"
                    + Tasks.dump(DumpFormat.GROUPED);
          } catch (RuntimeException | Error e) {
            text = "tether: SIG" + sig.getName() + ": could not dump the registry: " + e + "\n";
          }
          out.print(text);
          out.flush();
        };
    SignalHandler previous;
    try {
      previous = Signal.handle(s, mine);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "SignalDump: SIG"
              + signal
              + " is kept by the JVM or the OS ("
              + e.getMessage()
              + "); use "
              + DEFAULT_SIGNAL,
          e);
    }
    return new SignalDump(s, previous);
  }

  /** The signal it listens for, without {@code SIG}: {@code USR1}. */
  public String signal() {
    return signal.getName();
  }

  /** Puts back the handler that was there before. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Signal.handle(signal, previous);
  }

  @Override
  public synchronized String toString() {
    return "SignalDump[SIG" + signal.getName() + (closed ? ", closed" : ", installed") + "]";
  }
}
