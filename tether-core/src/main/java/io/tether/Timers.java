package io.tether;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer facility every deadline and timeout in Tether shares: a single daemon platform
 * thread, {@code tether-timer}, started on first use and never stopped (it holds no user work:
 * tasks only flip states and unpark threads).
 *
 * <p>Cancelled timers are removed at once, so contexts that are cancelled before their deadline
 * leave nothing behind.
 */
final class Timers {
  private Timers() {}

  static final String THREAD_NAME = "tether-timer";

  private static final class Holder {
    static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1, r -> Thread.ofPlatform().name(THREAD_NAME).daemon(true).unstarted(r));
      executor.setRemoveOnCancelPolicy(true);
      executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      return executor;
    }
  }

  /** Runs {@code action} on the timer thread after {@code delayNanos}. The action must be quick. */
  static ScheduledFuture<?> schedule(Runnable action, long delayNanos) {
    return Holder.EXECUTOR.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
  }

  /** Runs {@code action} on the timer thread every {@code periodNanos}, first after one period. */
  static ScheduledFuture<?> scheduleAtFixedRate(Runnable action, long periodNanos) {
    return Holder.EXECUTOR.scheduleAtFixedRate(
        action, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
  }

  /** How many timers are pending; for tests. */
  static int pending() {
    return Holder.EXECUTOR.getQueue().size();
  }
}
