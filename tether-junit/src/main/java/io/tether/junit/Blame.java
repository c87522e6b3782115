package io.tether.junit;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which test a leak belongs to when tests run in parallel.
 *
 * <p>A Tether task, scope or ticker knows the thread that opened the root of its owner chain
 * ({@link io.tether.TaskInfo#rootThread()}): the thread that ran the test. While a test's check
 * runs, entries whose root thread is running <em>another</em> checked test right now are left to
 * that test's own check, so a leak is blamed on the test that spawned it, not on whichever test
 * finished first. A raw thread has no owner: when other checked tests overlap, the test-level check
 * leaves it to the class-level or suite check rather than guess. Each leak is reported once.
 */
class Blame {
  /** Threads running a checked test now, and the test's name. */
  static final Map<Thread, String> RUNNING = new ConcurrentHashMap<>();

  /** Candidate keys already reported by some check: never blamed twice. */
  static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

  /** No blame: every leak is kept (the plain {@link Baseline#find()}). */
  static final Blame NONE = new Blame(null, null, false);

  final String testName;
  final Thread thread;
  final boolean testLevel;

  Blame(String testName, Thread thread, boolean testLevel) {
    this.testName = testName;
    this.thread = thread;
    this.testLevel = testLevel;
  }

  boolean keep(Candidate c) {
    if (this == NONE) {
      return true;
    }
    if (REPORTED.contains(c.key)) {
      return false;
    }
    if (c.info != null) {
      Thread root = c.info.rootThread();
      return root == null || root == thread || !RUNNING.containsKey(root);
    }
    if (!testLevel) {
      return true;
    }
    for (Thread t : RUNNING.keySet()) {
      if (t != thread) {
        return false; // a raw thread while other tests run: the class or suite check reports it
      }
    }
    return true;
  }

  /** The test {@code c} is blamed on, or null if not known. */
  String blameFor(Candidate c) {
    return testName;
  }

  void reported(Candidate c) {
    if (this != NONE) {
      REPORTED.add(c.key);
    }
  }
}
