package io.tether.junit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One leaked task, scope, ticker or thread, as the leak check found it after the settle window.
 *
 * @param pattern the leak's shape
 * @param kind what leaked: {@code task}, {@code scope}, {@code ticker}, {@code virtual thread} or
 *     {@code platform thread}
 * @param name the task, scope, ticker or thread name
 * @param ownerPath the path of its Tether owner ({@code test-scope} for a task {@code
 *     test-scope/fetch-3}), or null for a raw thread or an entry with no owner
 * @param spawnSite where it was spawned, opened or started; null for a raw thread or if spawn-site
 *     capture is off
 * @param parkedOn what it is parked or blocked on ({@code chan send on channel 'jobs'}, {@code
 *     java.util.concurrent.SynchronousQueue.put}), or null if it is running
 * @param waitingFor how long it has waited there, when Tether stamped the wait; else null
 * @param blamedOn the test it is blamed on, or null if not known
 * @param description one line saying what leaked and what it is doing
 * @param stack its stack at the end of the settle window (empty for a scope or ticker)
 * @param rootOwner the outermost owner above it that was never closed, with where it was opened
 *     ({@code scope 'pipeline' (pipeline), opened at Ingest.run(Ingest.java:42)}): the real bug
 *     when there is one; else null
 * @param fix what to change, in one line: closing the root owner if there is one, and the fix for
 *     the primitive it is actually blocked in (a Tether channel, a JDK queue, a ticker, an
 *     executor, a lock)
 */
public record Leak(
    LeakPattern pattern,
    String kind,
    String name,
    String ownerPath,
    StackTraceElement spawnSite,
    String parkedOn,
    Duration waitingFor,
    String blamedOn,
    String description,
    List<StackTraceElement> stack,
    String rootOwner,
    String fix) {

  /** Checks the arguments and copies the stack. */
  public Leak {
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    stack = List.copyOf(stack);
    Objects.requireNonNull(fix, "fix");
  }

  /** {@code RECEIVE_BLOCKED: task 'consumer' (test/consumer) parked in chan receive ...}. */
  @Override
  public String toString() {
    return pattern + ": " + description;
  }
}
