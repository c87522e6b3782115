package io.tether;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The registry of live tasks and scopes: Go's {@code pprof goroutine}, with owners.
 *
 * <p>Every scope is registered from its open until it is closed with no task left; every task from
 * its spawn until its body ends. Nothing that has ended stays reachable from here.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * Scope app = Scope.open(Context.background(), "app");
 * Channel<String> jobs = Channel.unbuffered("jobs");
 * for (int i = 0; i < 3; i++) {
 *   app.go("fetch-" + i, c -> jobs.receive(c));        // Ingest.java:11
 * }
 * app.go("GET /slow 0", c -> c.await());                // Ingest.java:13
 * for (TaskInfo t : Tasks.snapshot()) {
 *   System.out.println(t);
 * }
 * }</pre>
 *
 * prints (a real run):
 *
 * <pre>
 * scope #1 'app' app [OPEN, age 1.6s]
 * task #2 'fetch-0' app/fetch-0 [RUNNING, chan receive 1.6s, age 1.5s] spawned at Ingest.main(Ingest.java:11)
 * task #3 'fetch-1' app/fetch-1 [RUNNING, chan receive 1.6s, age 1.5s] spawned at Ingest.main(Ingest.java:11)
 * task #4 'fetch-2' app/fetch-2 [RUNNING, chan receive 1.6s, age 1.5s] spawned at Ingest.main(Ingest.java:11)
 * task #5 'GET /slow 0' app/"GET /slow 0" [RUNNING, ctx.await 1.6s, age 1.5s] spawned at Ingest.main(Ingest.java:13)
 * </pre>
 *
 * A name that holds a {@code /} is quoted as one path segment, so paths stay structural; each
 * record also carries its owner's id ({@link TaskInfo#ownerId()}).
 *
 * <h2>Memory consistency effects</h2>
 *
 * A spawn (or open) happens-before any snapshot that lists the task (or scope); a snapshot that no
 * longer lists a task was taken after the task's body ended, and the body's actions happen-before
 * that snapshot returns. A record's wait ({@link TaskInfo#waitReason()}) is what the task's thread
 * was parked in when the record was read; it may have moved on since. Snapshots never block a
 * spawn, an end or a wait.
 */
public final class Tasks {
  private Tasks() {}

  /**
   * Returns a record of every live scope and task, each read at once (a record never mixes two
   * moments of one task). Tasks spawned or ended during the call may or may not appear. Never
   * blocks a spawn for longer than it takes to copy one scope's list of references.
   */
  public static List<TaskInfo> snapshot() {
    return Registry.snapshot();
  }

  /**
   * Prints every live scope, task, ticker, service and supervisor in {@code format}: a text for
   * people ({@link DumpFormat#GROUPED}, {@link DumpFormat#FULL}, {@link DumpFormat#TREE}) or JSON
   * for tools. Reads one {@link #snapshot()}; live stacks are read per task after it, so a stack
   * may be a little younger than its record.
   *
   * @throws NullPointerException if {@code format} is null
   */
  public static String dump(DumpFormat format) {
    Objects.requireNonNull(format, "format");
    return Dumps.format(Registry.snapshot(), format, java.time.Instant.now());
  }

  /**
   * Prints {@code entries} (a {@link #snapshot()}, or a part of one a tool selected) in {@code
   * format}, exactly as {@link #dump(DumpFormat)} prints the whole registry. Live stacks are read
   * now, from each entry's thread.
   *
   * @throws NullPointerException if an argument or an entry is null
   */
  public static String dump(List<TaskInfo> entries, DumpFormat format) {
    java.util.Objects.requireNonNull(format, "format");
    return Dumps.format(List.copyOf(entries), format, java.time.Instant.now());
  }

  /**
   * The groups {@link DumpFormat#GROUPED} folds {@code entries} into: entries that share kind,
   * state, wait reason, spawn site and owner, largest group first (ties: the one whose first entry
   * has the lowest id). For tools that show the grouped view their own way (the debug page).
   *
   * @throws NullPointerException if {@code entries} or an entry is null
   */
  public static List<List<TaskInfo>> groups(List<TaskInfo> entries) {
    return Dumps.groups(List.copyOf(entries));
  }

  /**
   * The Tether wait a thread is parked in now, for tools that look at threads Tether did not start
   * (the leak check: a raw virtual thread blocked in {@code Channel.send} is {@code chan send} on
   * that channel, as a task would be).
   *
   * @param reason what kind of wait: {@code chan send}, {@code chan receive}, {@code select},
   *     {@code ctx.await}, {@code task.join}, ...
   * @param target what it waits on, as text ({@code Channel[jobs, unbuffered, open]}; for a select,
   *     its clauses)
   * @param since when the wait began
   */
  public record Wait(String reason, String target, Instant since) {
    /** Checks the arguments. */
    public Wait {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(since, "since");
    }
  }

  /**
   * What Tether wait {@code thread} is parked in right now, if any: empty if it runs, or is parked
   * outside Tether (a JDK lock or queue). Reads the thread's park blocker once; never blocks.
   *
   * @throws NullPointerException if {@code thread} is null
   */
  public static Optional<Wait> waitOf(Thread thread) {
    Objects.requireNonNull(thread, "thread");
    Waits.Wait w = Waits.of(thread);
    if (w == null) {
      return Optional.empty();
    }
    Instant since = Instant.now().minusNanos(System.nanoTime() - w.sinceNanos());
    return Optional.of(new Wait(w.reason(), String.valueOf(w.target()), since));
  }
}
