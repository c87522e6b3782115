package io.tether;

import io.tether.Service.Listener;
import io.tether.Service.State;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Service}'s lifecycle (Guava's {@code AbstractService}): the state, moved forward only
 * and under one lock; the listeners, told of each transition in order and outside the lock; and the
 * waits on it (ready or ended, body ended, every listener told of the end).
 */
final class ServiceLifecycle {
  private final Service service;

  /** Guards transitions, {@link #listeners}, {@link #events} and {@link #dispatching}. */
  private final Object lock = new Object();

  /** Changed only under {@link #lock}, forward only; read without it. */
  private volatile State state = State.STARTING;

  final WaitGroup readyOrEnded = new WaitGroup();

  /** Done once the body has ended and its end state is recorded (before listeners hear it). */
  final WaitGroup bodyEnded = new WaitGroup();

  /** Done once every listener has heard the end: what {@link Service#await()} waits for. */
  final WaitGroup ended = new WaitGroup();

  /** Guarded by {@link #lock}. */
  private final List<Listener> listeners = new ArrayList<>();

  /**
   * Transitions not yet delivered, in the order they happened; guarded by {@link #lock}. Each
   * carries the listeners registered when it happened. Delivered one at a time, outside the lock,
   * by whichever thread finds nobody delivering (Guava's {@code ListenerCallQueue}).
   */
  private final ArrayDeque<Event> events = new ArrayDeque<>();

  /** Whether a thread is delivering {@link #events} now; guarded by {@link #lock}. */
  private boolean dispatching;

  private final FailureLog listenerFailures = new FailureLog();

  /**
   * One transition to deliver; {@code to == null} marks the end: {@link #ended} is counted down.
   */
  private record Event(State from, State to, List<Listener> listeners) {}

  /** Set once, under the lock, by the STARTING -> RUNNING transition. */
  private volatile boolean wasReady;

  ServiceLifecycle(Service service, Listener first) {
    this.service = service;
    readyOrEnded.add(1);
    bodyEnded.add(1);
    ended.add(1);
    if (first != null) {
      listeners.add(first); // before the body can run: hears every transition
    }
  }

  /** The state as recorded (the service's {@code state()} also reads its context). */
  State state() {
    return state;
  }

  /** Whether the body reached RUNNING (began, or signalled ready) before it ended. */
  boolean wasReady() {
    return wasReady;
  }

  void addListener(Listener listener) {
    synchronized (lock) {
      listeners.add(listener);
    }
  }

  /** STARTING -> RUNNING (the body began, or signalled ready); a no-op in any other state. */
  void becomeReady() {
    synchronized (lock) {
      if (state != State.STARTING) {
        return;
      }
      state = State.RUNNING;
      wasReady = true;
      events.add(new Event(State.STARTING, State.RUNNING, List.copyOf(listeners)));
    }
    readyOrEnded.done();
    dispatch();
  }

  /**
   * Moves forward to {@code to} (STOPPING) unless already there or past it; queues the transition
   * for the listeners and delivers what is queued.
   */
  boolean moveTo(State to) {
    State from;
    synchronized (lock) {
      from = state;
      if (from.compareTo(to) >= 0 || from.isTerminal()) {
        return false;
      }
      state = to;
      events.add(new Event(from, to, List.copyOf(listeners)));
    }
    if (from == State.STARTING) {
      readyOrEnded.done();
    }
    dispatch();
    return true;
  }

  /**
   * The body has ended in {@code end} (TERMINATED or FAILED): records it, queues it and the end
   * marker for the listeners, and wakes whoever waits for readiness or for the body's end. The
   * caller delivers ({@link #dispatch()}).
   */
  void end(State end) {
    State from;
    synchronized (lock) {
      from = state;
      state = end;
      events.add(new Event(from, end, List.copyOf(listeners)));
      events.add(new Event(end, null, List.of()));
    }
    if (from == State.STARTING) {
      readyOrEnded.done(); // it ended before it was ready
    }
    bodyEnded.done();
  }

  /**
   * Delivers queued transitions, oldest first, one at a time, never under the lock. If another
   * thread is delivering, returns at once: that thread delivers what this one queued, in order.
   */
  void dispatch() {
    while (true) {
      Event e;
      synchronized (lock) {
        if (dispatching || events.isEmpty()) {
          return;
        }
        e = events.poll();
        dispatching = true;
      }
      try {
        if (e.to() == null) {
          ended.done();
        } else {
          deliver(e);
        }
      } finally {
        synchronized (lock) {
          dispatching = false;
        }
      }
    }
  }

  private void deliver(Event e) {
    for (Listener l : e.listeners()) {
      try {
        l.stateChanged(service, e.from(), e.to());
      } catch (Exception | Error x) {
        listenerFailures.add(
            new IllegalStateException(
                service.describe() + ": listener " + l + " threw on " + e.from() + " -> " + e.to(),
                x));
      }
    }
  }

  /** Listeners' exceptions nobody has seen, now marked seen. */
  List<Throwable> takeListenerFailures() {
    return listenerFailures.takeUnseen();
  }
}
