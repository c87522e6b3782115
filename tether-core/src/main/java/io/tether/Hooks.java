package io.tether;

import java.util.Arrays;

/**
 * The one event hook of the core: every telemetry consumer (a {@link Trace} recording, the JFR
 * events, a {@link TaskListener} such as the Micrometer binder) is a {@link Sink} here, and the
 * core's event sites call the static methods below.
 *
 * <p>Cost when nobody listens: each event site reads one static volatile field ({@link #sink}) and
 * finds it null. On x86 and AArch64 a volatile read is a plain load (it only forbids reordering
 * later loads above it), so the off path is a load and a branch the JIT lays out as not taken.
 *
 * <p>Invariants: {@link #sink} is null when the set of sinks is empty, the only sink when there is
 * one, else a {@link Fanout} over a copy of them. It changes only under the class lock ({@link
 * #add}, {@link #remove}); readers take one snapshot per event, so a sink removed while an event is
 * being delivered may still receive that event (a sink must tolerate a late event after its
 * removal, and {@link Trace} does: it ignores events past its end).
 *
 * <p>Sinks run on the thread where the event happens (the task's thread, the canceller's thread),
 * synchronously, so they must be short and must not block or throw; {@link TaskListener}s from
 * outside the core are wrapped so that one which throws is removed and its failure kept (see {@link
 * TaskEvents}).
 */
final class Hooks {
  private Hooks() {}

  /** Null while nobody listens; see the class comment. */
  private static volatile Sink sink;

  private static Sink[] sinks = new Sink[0]; // guarded by Hooks.class

  static {
    // The JFR sink follows the recordings from the first event on (a no-op without JFR).
    JfrEvents.install();
  }

  /** An event consumer. Every method is a no-op unless overridden. */
  abstract static class Sink {
    /** {@code task} was made and is about to start; on the spawning thread. */
    void spawned(Task<?> task) {}

    /** {@code task}'s body is about to run; on its own thread. */
    void started(Task<?> task) {}

    /** {@code task} ended in {@code end}; on its own thread, after its state is published. */
    void ended(Task<?> task, Task.State end) {}

    /** The current thread is about to park in {@code w}. */
    void waitBegan(Waits.Wait w) {}

    /** The current thread left {@code w} (woken, cancelled, interrupted or timed out). */
    void waitEnded(Waits.Wait w) {}

    /**
     * {@code node} was cancelled by {@code d}: {@code root} if this is where the cancellation began
     * (a {@code cancel()} call or a deadline), else it reached {@code node} from above.
     */
    void cancelled(CancelNode node, ContextErrors.Done d, boolean root) {}

    /** The cancellation {@code d} that began at {@code node} has reached everything below it. */
    void cascaded(CancelNode node, ContextErrors.Done d) {}

    /** A bounded stop gave up waiting for {@code task}; it stays alive and listed. */
    void straggler(Task<?> task) {}

    /** A supervisor at {@code supervisorPath} restarted its child {@code child}. */
    void restarted(String supervisorPath, String child) {}

    /** Someone (a leak watchdog) suspects {@code task} of leaking. */
    void leakSuspected(TaskInfo task, String shape, String description) {}
  }

  // ---- registration ----

  static synchronized void add(Sink s) {
    Sink[] next = Arrays.copyOf(sinks, sinks.length + 1);
    next[sinks.length] = s;
    publish(next);
  }

  /** Removes {@code s}; false if it was not registered. */
  static synchronized boolean remove(Sink s) {
    for (int i = 0; i < sinks.length; i++) {
      if (sinks[i] == s) {
        Sink[] next = new Sink[sinks.length - 1];
        System.arraycopy(sinks, 0, next, 0, i);
        System.arraycopy(sinks, i + 1, next, i, sinks.length - i - 1);
        publish(next);
        return true;
      }
    }
    return false;
  }

  private static void publish(Sink[] next) {
    sinks = next;
    sink = next.length == 0 ? null : next.length == 1 ? next[0] : new Fanout(next.clone());
  }

  /** Whether anyone listens; for tests. */
  static boolean active() {
    return sink != null;
  }

  // ---- the event sites (each: one volatile read when nobody listens) ----

  static void spawned(Task<?> task) {
    Sink s = sink;
    if (s != null) {
      s.spawned(task);
    }
  }

  static void started(Task<?> task) {
    Sink s = sink;
    if (s != null) {
      s.started(task);
    }
  }

  static void ended(Task<?> task, Task.State end) {
    Sink s = sink;
    if (s != null) {
      s.ended(task, end);
    }
  }

  /** Returns {@code w}, so that a wait's factory can report it in its return statement. */
  static Waits.Wait waitBegan(Waits.Wait w) {
    Sink s = sink;
    if (s != null) {
      s.waitBegan(w);
    }
    return w;
  }

  /** {@code w} may be null (no wait was made: the operation completed without parking). */
  static void waitEnded(Waits.Wait w) {
    Sink s = sink;
    if (s != null && w != null) {
      s.waitEnded(w);
    }
  }

  static void cancelled(CancelNode node, ContextErrors.Done d, boolean root) {
    Sink s = sink;
    if (s != null && d != ContextErrors.TASK_ENDED) {
      s.cancelled(node, d, root);
    }
  }

  /** Called after every cancel of a node; reports only where a cancellation began. */
  static void cascaded(CancelNode node, ContextErrors.Done d, boolean root) {
    Sink s = sink;
    if (s != null && root && d != ContextErrors.TASK_ENDED) {
      s.cascaded(node, d);
    }
  }

  static void straggler(Task<?> task) {
    Sink s = sink;
    if (s != null) {
      s.straggler(task);
    }
  }

  static void restarted(String supervisorPath, String child) {
    Sink s = sink;
    if (s != null) {
      s.restarted(supervisorPath, child);
    }
  }

  static void leakSuspected(TaskInfo task, String shape, String description) {
    Sink s = sink;
    if (s != null) {
      s.leakSuspected(task, shape, description);
    }
  }

  /** Several sinks: each event to each, in registration order. */
  private static final class Fanout extends Sink {
    private final Sink[] all;

    Fanout(Sink[] all) {
      this.all = all;
    }

    @Override
    void spawned(Task<?> task) {
      for (Sink s : all) {
        s.spawned(task);
      }
    }

    @Override
    void started(Task<?> task) {
      for (Sink s : all) {
        s.started(task);
      }
    }

    @Override
    void ended(Task<?> task, Task.State end) {
      for (Sink s : all) {
        s.ended(task, end);
      }
    }

    @Override
    void waitBegan(Waits.Wait w) {
      for (Sink s : all) {
        s.waitBegan(w);
      }
    }

    @Override
    void waitEnded(Waits.Wait w) {
      for (Sink s : all) {
        s.waitEnded(w);
      }
    }

    @Override
    void cancelled(CancelNode node, ContextErrors.Done d, boolean root) {
      for (Sink s : all) {
        s.cancelled(node, d, root);
      }
    }

    @Override
    void cascaded(CancelNode node, ContextErrors.Done d) {
      for (Sink s : all) {
        s.cascaded(node, d);
      }
    }

    @Override
    void straggler(Task<?> task) {
      for (Sink s : all) {
        s.straggler(task);
      }
    }

    @Override
    void restarted(String supervisorPath, String child) {
      for (Sink s : all) {
        s.restarted(supervisorPath, child);
      }
    }

    @Override
    void leakSuspected(TaskInfo task, String shape, String description) {
      for (Sink s : all) {
        s.leakSuspected(task, shape, description);
      }
    }
  }
}
