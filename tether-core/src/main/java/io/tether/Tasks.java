package io.tether;

import java.util.List;

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
    java.util.Objects.requireNonNull(format, "format");
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
}
