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
