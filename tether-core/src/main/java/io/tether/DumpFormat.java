package io.tether;

/**
 * The shapes {@link Tasks#dump(DumpFormat)} can print the registry in.
 *
 * <p>From a real run (a scope {@code app} with three tasks on a channel, one named {@code GET /slow
 * 0}, and one parked in a JDK latch), {@link #TREE}:
 *
 * <pre>
 * Tether dump at 2026-11-30T12:30:35.032191826Z: 1 scope, 5 tasks (tree)
 * app  scope #1 OPEN
 *   GET /slow 0  task #5 RUNNING, ctx.await 1.8s
 *   fetch-0  task #2 RUNNING, chan receive 1.8s
 *   fetch-1  task #3 RUNNING, chan receive 1.8s
 *   fetch-2  task #4 RUNNING, chan receive 1.8s
 *   stubborn  task #6 RUNNING, parked
 * </pre>
 *
 * {@link #GROUPED} (one group of four shown):
 *
 * <pre>
 * Tether dump at 2026-11-30T12:30:34.874172776Z: 1 scope, 5 tasks (4 groups)
 *
 * 3 x task RUNNING, chan receive 1.6s under app
 *     spawned at Ingest.main(Ingest.java:11)
 *     #2 'fetch-0', #3 'fetch-1', #4 'fetch-2'
 *     stack of #2:
 *         java.base/java.util.concurrent.locks.LockSupport.park(LockSupport.java:221)
 *         io.tether.Parker.awaitDone(Parker.java:167)
 *         io.tether.Channel.receive(Channel.java:265)
 *         Ingest.lambda$main$0(Ingest.java:11)
 *         io.tether.Task.execute(Task.java:205)
 *         java.base/java.lang.VirtualThread.run(VirtualThread.java:460)
 * </pre>
 *
 * and {@link #JSON} (one entry each per line; {@code ownerId} rebuilds the tree):
 *
 * <pre>
 * {"id":1,"ownerId":null,"name":"app","kind":"SCOPE","path":"app","state":"OPEN",...},
 * {"id":5,"ownerId":1,"name":"GET /slow 0","kind":"TASK","path":"app/\"GET /slow 0\"",
 *  "state":"RUNNING","spawnSite":"Ingest.main(Ingest.java:13)","waitReason":"ctx.await",...}
 * </pre>
 */
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
