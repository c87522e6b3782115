package io.tether.testing;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A thread of a given kind that runs one body and keeps its outcome (the value it returned or the
 * exception it threw), for tests that block a thread and then release it.
 */
public final class Runner {
  /** A body that may block and throw. */
  @FunctionalInterface
  public interface Body {
    Object run() throws Exception;
  }

  /** A body with no result. */
  @FunctionalInterface
  public interface VoidBody {
    void run() throws Exception;
  }

  private final AtomicReference<Object> value = new AtomicReference<>();
  private final AtomicReference<Throwable> thrown = new AtomicReference<>();
  public final Thread thread;

  private Runner(ThreadKind kind, String name, Body body) {
    thread =
        kind.start(
            name,
            () -> {
              try {
                value.set(body.run());
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
  }

  /** Starts {@code body}, keeping what it returns. */
  public static Runner call(ThreadKind kind, String name, Body body) {
    return new Runner(kind, name, body);
  }

  /** Starts {@code body}. */
  public static Runner run(ThreadKind kind, String name, VoidBody body) {
    return new Runner(
        kind,
        name,
        () -> {
          body.run();
          return null;
        });
  }

  /** Blocks until the thread is parked (WAITING or TIMED_WAITING). */
  public Runner awaitParked() {
    Bounded.until(
        thread + " parked",
        () ->
            thread.getState() == Thread.State.WAITING
                || thread.getState() == Thread.State.TIMED_WAITING);
    return this;
  }

  /** Joins the thread (bounded) and returns what it threw, or null. */
  public Throwable join() {
    Bounded.join(thread);
    return thrown.get();
  }

  /** Joins the thread (bounded) and returns what it returned, or what it threw. */
  public Object outcome() {
    Throwable t = join();
    return t != null ? t : value.get();
  }
}
