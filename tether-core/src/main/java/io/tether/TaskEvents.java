package io.tether;

import java.util.Objects;
import java.util.Optional;

/**
 * Subscribes {@link TaskListener}s to the core's task events, and lets a leak watchdog report what
 * it suspects. The same single hook feeds {@link Trace} recordings and the JFR events.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * try (TaskEvents.Subscription s = TaskEvents.subscribe(myListener)) {
 *   ...                               // myListener hears every spawn and end meanwhile
 * }
 * }</pre>
 *
 * <h2>Exit</h2>
 *
 * A subscription holds a registration in a JVM-wide list: close it when done. One never closed
 * keeps its listener (and what the listener holds) reachable, and the core keeps calling it.
 */
public final class TaskEvents {
  private TaskEvents() {}

  /**
   * Starts calling {@code listener} for every task event from now on, in every scope of this JVM.
   * The returned subscription must be closed. Subscribing the same listener twice makes two
   * subscriptions (and two calls per event).
   *
   * @throws NullPointerException if {@code listener} is null
   */
  public static Subscription subscribe(TaskListener listener) {
    ListenerSink s = new ListenerSink(Objects.requireNonNull(listener, "listener"));
    Hooks.add(s);
    return s;
  }

  /**
   * Reports a suspected leak of {@code task} to every listener and, when enabled, as the JFR event
   * {@code io.tether.LeakSuspected}: for leak watchdogs. Does nothing if nobody listens.
   *
   * @param shape the leak's shape, such as {@code RECEIVE_BLOCKED}
   * @param description why it is suspected and how to fix it
   * @throws NullPointerException if an argument is null
   */
  public static void reportLeak(TaskInfo task, String shape, String description) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(description, "description");
    Hooks.leakSuspected(task, shape, description);
  }

  /**
   * The owner path of {@code task}, outermost first, ending with its name: {@code
   * app/ingest/fetch-17}, as in {@link TaskInfo#path()}. Built on each call (cheap, but not free):
   * for listeners that group by owner.
   */
  public static String path(Task<?> task) {
    return task.path();
  }

  /**
   * A listener's registration. {@link #close()} stops the calls (idempotent); a call already in
   * progress on another thread may still finish after it returns.
   */
  public sealed interface Subscription extends AutoCloseable permits ListenerSink {

    /** Whether the listener is still being called (false once closed or once it threw). */
    boolean isActive();

    /** What the listener threw, which removed it; empty while it has not thrown. */
    Optional<Throwable> failure();

    /**
     * Stops the calls. Idempotent.
     *
     * @throws IllegalStateException the first time it is called after the listener threw (the
     *     exception is the cause), so that a failing listener is never silent
     */
    @Override
    void close();
  }

  /** A listener on {@link Hooks}; removed on its first exception, which it keeps. */
  static final class ListenerSink extends Hooks.Sink implements Subscription {
    private final TaskListener listener;
    private volatile boolean active = true;
    private volatile Throwable failure;
    private boolean failureReported; // guarded by this

    ListenerSink(TaskListener listener) {
      this.listener = listener;
    }

    @Override
    public boolean isActive() {
      return active;
    }

    @Override
    public Optional<Throwable> failure() {
      return Optional.ofNullable(failure);
    }

    @Override
    public void close() {
      active = false;
      Hooks.remove(this);
      Throwable f = failure;
      synchronized (this) {
        if (f == null || failureReported) {
          return;
        }
        failureReported = true;
      }
      throw new IllegalStateException(
          "TaskListener " + listener + " threw " + f + " and was removed; fix the listener", f);
    }

    private void failed(Throwable t) {
      synchronized (this) {
        if (failure == null) {
          failure = t;
        }
      }
      active = false;
      Hooks.remove(this);
    }

    @Override
    void spawned(Task<?> task) {
      if (active) {
        try {
          listener.spawned(task);
        } catch (Throwable t) {
          failed(t);
        }
      }
    }

    @Override
    void ended(Task<?> task, Task.State end) {
      if (active) {
        try {
          listener.ended(task, end, System.nanoTime() - task.startNanos);
        } catch (Throwable t) {
          failed(t);
        }
      }
    }

    @Override
    void straggler(Task<?> task) {
      if (active) {
        try {
          listener.straggler(task);
        } catch (Throwable t) {
          failed(t);
        }
      }
    }

    @Override
    void restarted(String supervisorPath, String child) {
      if (active) {
        try {
          listener.restarted(supervisorPath, child);
        } catch (Throwable t) {
          failed(t);
        }
      }
    }

    @Override
    void leakSuspected(TaskInfo task, String shape, String description) {
      if (active) {
        try {
          listener.leakSuspected(task, shape, description);
        } catch (Throwable t) {
          failed(t);
        }
      }
    }

    @Override
    public String toString() {
      return "TaskEvents.Subscription[" + listener + (active ? ", active]" : ", closed]");
    }
  }
}
