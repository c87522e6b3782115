package io.tether.junit;

import io.tether.TaskInfo;

/**
 * Something that started after the baseline and was still there at the last look: a Tether registry
 * entry (with its thread, for a task) or a raw thread. Kept across the looks of one check so a
 * thread that never parked can be told apart from one that did.
 */
final class Candidate {
  final String key;
  TaskInfo info; // null for a raw thread
  ThreadView view; // null for a scope or ticker
  int looks;
  boolean everParked;

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
    if (view != null && view.state != Thread.State.RUNNABLE) {
      everParked = true;
    }
    if (info != null && info.waitReason() != null) {
      everParked = true;
    }
  }

  String name() {
    return info != null ? info.name() : view.name;
  }
}
