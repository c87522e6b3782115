package io.tether.junit;

import io.tether.TaskInfo;
import io.tether.Tasks;
import io.tether.testing.Bounded;
import java.util.concurrent.locks.LockSupport;

/**
 * Handshakes for leak tests: wait until a thread or task is observably parked where the test put
 * it, so the check sees the shape and not a thread on its way there. The bound only catches a hang
 * (with a dump of every thread).
 */
final class Parks {
  private Parks() {}

  /** Until the Tether task named {@code name} is in a wait whose reason is {@code reason}. */
  static void untilTaskWaits(String name, String reason) {
    Bounded.until(
        "task '" + name + "' in " + reason,
        () -> {
          for (TaskInfo i : Tasks.snapshot()) {
            if (i.name().equals(name) && reason.equals(i.waitReason())) {
              return true;
            }
          }
          return false;
        });
  }

  /** Until {@code t} is parked (WAITING or TIMED_WAITING with a park blocker) or BLOCKED. */
  static void untilParked(Thread t) {
    Bounded.until(
        t + " parked",
        () ->
            t.getState() == Thread.State.BLOCKED
                || (t.getState() == Thread.State.WAITING && LockSupport.getBlocker(t) != null)
                || t.getState() == Thread.State.TIMED_WAITING);
  }

  static void untilBlocked(Thread t) {
    Bounded.until(t + " blocked on a monitor", () -> t.getState() == Thread.State.BLOCKED);
  }
}
