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
 * @param ownerPath the Tether owner path ({@code test-scope/fetch-3}), or null for a raw thread
 * @param spawnSite where it was spawned, opened or started; null for a raw thread or if spawn-site
 *     capture is off
 * @param parkedOn what it is parked or blocked on ({@code chan send on channel 'jobs'}, {@code
 *     java.util.concurrent.SynchronousQueue.put}), or null if it is running
 * @param waitingFor how long it has waited there, when Tether stamped the wait; else null
 * @param blamedOn the test it is blamed on, or null if not known
 * @param description one line saying what leaked and what it is doing
 * @param stack its stack at the end of the settle window (empty for a scope or ticker)
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
    List<StackTraceElement> stack) {

  /** Checks the arguments and copies the stack. */
  public Leak {
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    stack = List.copyOf(stack);
  }

  /** The fix for this leak's shape, in one line. */
  public String fix() {
    return pattern.fix();
  }

  /** {@code RECEIVE_BLOCKED: task 'consumer' (test/consumer) parked in chan receive ...}. */
  @Override
  public String toString() {
    return pattern + ": " + description;
  }
}
