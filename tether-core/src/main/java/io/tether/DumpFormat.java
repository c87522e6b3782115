package io.tether;

/** The shapes {@link Tasks#dump(DumpFormat)} can print the registry in. */
public enum DumpFormat {
  /**
   * Go's {@code pprof goroutine?debug=1}: entries that share kind, state, wait, spawn site and
   * owner are one group, largest first, with a count, the range of their wait times, a few names
   * and the live stack of one member. The shape to read when there are thousands of tasks.
   */
  GROUPED,
  /** Every entry on its own, with the live stack of every task ({@code debug=2}). */
  FULL,
  /** Every entry once, indented under its owner: who owns what. */
  TREE,
  /** Every entry as a JSON object in one array, for tools. No stacks but the spawn stack. */
  JSON
}
