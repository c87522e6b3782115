package io.tether;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a bounded stop ({@link Scope#stop(Duration)}) found: the tasks still alive when the time ran
 * out, each with its stack, the failures nobody had seen yet, and how long the stop took.
 *
 * <p>Stragglers are not forgotten: they stay in the registry ({@link Tasks#snapshot()}), marked as
 * stragglers, until they end; their owner is still responsible for them (law L2).
 *
 * <p>Its {@link #toString()}, from a real run ({@code app.stop(Duration.ofMillis(100))} with one
 * task that swallows interrupts):
 *
 * <pre>
 * stop took 106 ms: 1 straggler(s), 0 failure(s)
 *   straggler: task #6 'stubborn' app/stubborn [RUNNING, parked, straggler, age 1.9s] spawned at Ingest.main(Ingest.java:14)
 *       at java.base/java.util.concurrent.locks.LockSupport.park(LockSupport.java:221)
 *       at java.base/java.util.concurrent.CountDownLatch.await(CountDownLatch.java:230)
 *       at Ingest.lambda$main$2(Ingest.java:14)
 *       at io.tether.Task.execute(Task.java:205)
 *       at java.base/java.lang.VirtualThread.run(VirtualThread.java:460)
 * </pre>
 *
 * (A clean stop prints one line: {@code stopped cleanly in 3 ms}.) The report also comes from
 * {@link Service#stop(Duration)} and {@link Supervisor#stop(Duration)}, which name every child
 * still alive.
 *
 * @param stragglers tasks still alive at the end of the stop, with their stacks
 * @param failures failures of tasks that had not been reported to anyone before the stop
 * @param elapsed how long the stop took
 */
public record StopReport(List<TaskInfo> stragglers, List<Throwable> failures, Duration elapsed) {

  /** Checks the arguments and copies the lists. */
  public StopReport {
    stragglers = List.copyOf(stragglers);
    failures = List.copyOf(failures);
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** Whether everything ended in time and nothing failed. */
  public boolean clean() {
    return stragglers.isEmpty() && failures.isEmpty();
  }

  /** One line when clean; else one line per straggler (with its stack) and per failure. */
  @Override
  public String toString() {
    if (clean()) {
      return "stopped cleanly in " + elapsed.toMillis() + " ms";
    }
    StringBuilder sb =
        new StringBuilder("stop took ")
            .append(elapsed.toMillis())
            .append(" ms: ")
            .append(stragglers.size())
            .append(" straggler(s), ")
            .append(failures.size())
            .append(" failure(s)");
    for (TaskInfo s : stragglers) {
      sb.append("\n  straggler: ").append(s);
      for (StackTraceElement f : s.stack()) {
        sb.append("\n      at ").append(f);
      }
    }
    for (Throwable f : failures) {
      sb.append("\n  failure: ").append(f);
    }
    return sb.toString();
  }
}
