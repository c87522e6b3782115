package io.tether.junit;

import io.tether.TaskInfo;
import io.tether.Tasks;
import java.util.List;

/**
 * Something that started after the baseline and was still there at the last look: a Tether registry
 * entry (with its thread, for a task) or a raw thread. Kept across the looks of one check so a
 * thread that never parked can be told apart from one that did.
 */
final class Candidate {
  final String key;
  TaskInfo info; // null for a raw thread
  ThreadView view; // null for a scope or ticker

  /** For a raw thread parked in a Tether wait (a channel, a select): that wait; else null. */
  Tasks.Wait tetherWait;

  /** For a raw thread seen only in a JSON dump, parked in a Tether wait: its reason; else null. */
  String dumpWaitReason;

  /** For a Tether entry: its owners at the last look, nearest first (from the owner ids). */
  List<TaskInfo> owners = List.of();

  int looks;
  boolean everParked;

  /**
   * When a look first found it parked or blocked where it is now (same state, same top frame), with
   * no look in between finding it elsewhere: {@link System#nanoTime()}, or 0 if the last look found
   * it running. The JDK does not say how long a thread has been parked; this is the most the check
   * can say honestly for a thread Tether did not stamp.
   */
  long parkedSinceNanos;

  private String parkedAt; // state and top frame at the last look, when parked

  /**
   * For a Tether entry: its spawn (or open) time lies between these two {@link System#nanoTime()}
   * readings (the registry stamps an age, read between two clock readings of the look).
   */
  long bornLo;

  long bornHi;

  Candidate(String key) {
    this.key = key;
  }

  static String key(TaskInfo info) {
    return "tether#" + info.id();
  }

  static String key(ThreadView v) {
    return "thread#" + v.tid;
  }

  /** Records one look at the thread's state. */
  void looked() {
    looks++;
    if (view != null
        && (view.state == Thread.State.WAITING
            || view.state == Thread.State.TIMED_WAITING
            || view.state == Thread.State.BLOCKED)) {
      everParked = true;
      List<StackTraceElement> stack = view.stack();
      String at = view.state + " " + (stack.isEmpty() ? "" : stack.get(0));
      if (parkedSinceNanos == 0 || !at.equals(parkedAt)) {
        parkedSinceNanos = System.nanoTime();
        parkedAt = at;
      }
    } else {
      parkedSinceNanos = 0;
      parkedAt = null;
    }
    if (info != null && info.waitReason() != null) {
      everParked = true;
    }
  }

  String name() {
    return info != null ? info.name() : view.name;
  }
}
