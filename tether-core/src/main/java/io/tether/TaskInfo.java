package io.tether;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the registry knows of one live task or scope, read at one moment: an immutable record.
 *
 * <p>Its {@link #toString()} is one line; from a real run, a task parked on a channel, one parked
 * in a JDK latch, and the scope that owns them:
 *
 * <pre>
 * task #2 'fetch-0' app/fetch-0 [RUNNING, chan receive 1.6s, age 1.5s] spawned at Ingest.main(Ingest.java:11)
 * task #6 'stubborn' app/stubborn [RUNNING, parked, age 1.5s] spawned at Ingest.main(Ingest.java:14)
 * scope #1 'app' app [OPEN, age 1.6s]
 * </pre>
 *
 * <p><b>Room to grow.</b> Read it through its accessors. Before 1.0, components may be added to
 * this record as the registry learns more (each addition listed in the changelog): code that
 * deconstructs it with a record pattern, or calls its canonical constructor, must then be updated.
 * The constructor is for Tether's own modules (the leak check, the debug page's tests); an
 * application gets instances from {@link Tasks#snapshot()} and {@link StopReport}.
 *
 * @param id unique among all tasks and scopes of this JVM
 * @param name the name given at spawn or open ({@code task-<id>} / {@code scope-<id>} if none)
 * @param kind task or scope
 * @param path the owner path, outermost first: {@code app/ingest/fetch-17}
 * @param state a task's {@link Task.State} name; {@code OPEN} or {@code CLOSING} for a scope;
 *     {@code TICKING every <period>} for a ticker
 * @param spawnSite where it was spawned (the caller's frame); null if capture is off ({@code
 *     -Dtether.spawnSite=off})
 * @param spawnStack the whole stack at the spawn with {@code -Dtether.spawnSite=full}; else just
 *     the spawn site, or empty
 * @param waitReason what kind of Tether wait it is parked in ({@code ctx.await}, {@code task.join},
 *     {@code scope.join}, {@code chan receive}, {@code select}, ...); {@code parked} when it is
 *     parked outside Tether (a JDK lock, queue or semaphore: then {@code waitTarget} is the JDK's
 *     park blocker and {@code waitingSince} is null); null if it is not parked
 * @param waitTarget what it waits on (the {@code toString()} of the context, task, channel), or
 *     null
 * @param waitingSince when the wait began, or null
 * @param age time since the spawn or open
 * @param thread the task's thread (null for a scope); for a live stack, {@link
 *     Thread#getStackTrace()}
 * @param straggler whether a bounded stop gave up waiting for it (it stays here until it ends)
 * @param stack the thread's stack when this record was made, where the record says so (stop
 *     reports); else empty
 * @param history what happened to it before now, oldest first (a supervisor's restarts: when, which
 *     child, why); empty for most entries
 * @param rootThread the thread that opened the outermost owner of this entry (a scope or ticker
 *     opened outside any task): in a test, the thread that ran the test; null if not known. The
 *     leak check blames a leaked task on the test that ran on this thread.
 * @param ownerId the {@link #id()} of the task or scope that owns this entry (a task's scope, the
 *     task or scope a scope, service or ticker was opened under); 0 at the root or where not known
 *     (records made outside {@link Tasks#snapshot()}, such as a stop report's)
 */
public record TaskInfo(
    long id,
    String name,
    Kind kind,
    String path,
    String state,
    StackTraceElement spawnSite,
    List<StackTraceElement> spawnStack,
    String waitReason,
    String waitTarget,
    Instant waitingSince,
    Duration age,
    Thread thread,
    boolean straggler,
    List<StackTraceElement> stack,
    List<String> history,
    Thread rootThread,
    long ownerId) {

  /** What a registry entry is. */
  public enum Kind {
    /** An owner of tasks. */
    SCOPE,
    /** A body running on its own virtual thread. */
    TASK,
    /** A {@link Ticker} not yet stopped. */
    TICKER,
    /** A {@link Service}: owns the one task that runs its body. */
    SERVICE,
    /** A {@link Supervisor}: owns its children's tasks and restarts them. */
    SUPERVISOR
  }

  /**
   * The path of this entry's owner ({@code app/ingest} for {@code app/ingest/fetch-17}), or null
   * for an entry with no owner. Structural: a quoted segment ({@code "GET /slow 0"}) is never
   * split.
   */
  public String ownerPath() {
    return Registry.parentPath(path);
  }

  /** Checks the arguments and copies the lists. */
  public TaskInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(age, "age");
    spawnStack = List.copyOf(spawnStack);
    stack = List.copyOf(stack);
    history = List.copyOf(history);
  }

  /**
   * {@code task #17 'fetch-17' app/ingest/fetch-17 [RUNNING, ctx.await 2.5s, straggler] spawned at
   * Ingest.fetchAll(Ingest.java:42)}.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(kind.name().toLowerCase(java.util.Locale.ROOT))
        .append(" #")
        .append(id)
        .append(" '")
        .append(name)
        .append("' ")
        .append(path)
        .append(" [")
        .append(state);
    if (waitReason != null) {
      sb.append(", ").append(waitReason);
      if (waitingSince != null) {
        sb.append(' ').append(human(Duration.between(waitingSince, Instant.now())));
      }
    }
    if (straggler) {
      sb.append(", straggler");
    }
    sb.append(", age ").append(human(age)).append(']');
    if (spawnSite != null) {
      sb.append(kind == Kind.TASK ? " spawned at " : " started at ").append(spawnSite);
    }
    return sb.toString();
  }

  static String human(Duration d) {
    long ms = Math.max(0, d.toMillis());
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms < 120_000) {
      return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    if (ms < 7_200_000) {
      return (ms / 60_000) + " minutes";
    }
    return (ms / 3_600_000) + " hours";
  }
}
