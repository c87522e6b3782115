package io.tether.junit;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One live thread as the leak check sees it: from the {@link Thread} object when it has one, else
 * from an entry of the JDK's JSON thread dump (a virtual thread with no reachable object).
 */
final class ThreadView {
  final long tid;
  final String name;
  final boolean virtual;
  final Thread.State state;
  final String blocker; // the park blocker's toString, "monitor <object>" when BLOCKED, or null
  final String blockerClass; // the park blocker's class name, or null
  final Thread thread; // null for an entry read from a dump
  private List<StackTraceElement> stack; // read on demand for a live thread

  private ThreadView(
      long tid,
      String name,
      boolean virtual,
      Thread.State state,
      String blocker,
      String blockerClass,
      Thread thread,
      List<StackTraceElement> stack) {
    this.tid = tid;
    this.name = name;
    this.virtual = virtual;
    this.state = state;
    this.blocker = blocker;
    this.blockerClass = blockerClass;
    this.thread = thread;
    this.stack = stack;
  }

  static ThreadView of(Thread t) {
    Object b = LockSupport.getBlocker(t);
    String text = null;
    if (b != null) {
      try {
        text = b.getClass().getName() + " " + b;
      } catch (RuntimeException toStringFailed) {
        text = b.getClass().getName();
      }
    }
    return new ThreadView(
        t.threadId(),
        t.getName(),
        t.isVirtual(),
        t.getState(),
        text,
        b == null ? null : b.getClass().getName(),
        t,
        null);
  }

  static ThreadView fromDump(
      long tid,
      String name,
      Thread.State state,
      String blocker,
      String blockerClass,
      List<StackTraceElement> stack) {
    return new ThreadView(tid, name, true, state, blocker, blockerClass, null, List.copyOf(stack));
  }

  /** The stack, read from the live thread the first time it is asked for. */
  List<StackTraceElement> stack() {
    if (stack == null) {
      stack = List.of(thread.getStackTrace());
    }
    return stack;
  }

  boolean alive() {
    return thread == null || thread.isAlive();
  }

  String kind() {
    return virtual ? "virtual thread" : "platform thread";
  }

  @Override
  public String toString() {
    return kind() + " #" + tid + " '" + name + "' " + state;
  }
}
