package io.tether;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The sink behind a {@link Trace.Recording}: appends each event to a ring buffer of fixed capacity,
 * overwriting the oldest when full (a flight recorder keeps the latest).
 *
 * <p>The ring is striped by thread: a thread always appends to the stripe its id hashes to, so
 * threads seldom contend on one counter, and each thread's events stay in order in one stripe. The
 * export merges the stripes by time.
 *
 * <p>Invariants, per stripe: {@code next} counts events ever appended to it; event {@code seq}
 * lives in slot {@code seq & mask} until event {@code seq + size} overwrites it. A writer takes its
 * {@code seq} by {@code getAndIncrement} and then stores the event (each slot has one writer per
 * lap), so a reader that stopped the recording at {@code end = next} may find, for a {@code seq <
 * end}, an older event still in the slot (its writer has not stored yet); such events count as lost
 * in flight. Events with a {@code seq >= end} (written after the stop by a thread that saw the sink
 * before its removal) are ignored.
 */
final class TraceRecorder extends Hooks.Sink {

  /** What happened. */
  enum Kind {
    SPAWN,
    START,
    END,
    WAIT_BEGIN,
    WAIT_END,
    CANCEL,
    CANCEL_REACHED,
    STRAGGLER,
    RESTART,
    LEAK
  }

  /**
   * One event, holding nothing that would keep a finished task alive: a task is its id, a thread
   * its id (and the thread itself only if it is a platform thread, for its name). {@code a} and
   * {@code b} depend on the kind: for a spawn the task's scope and raw name (null if unnamed); for
   * an end the end state; for a wait its reason and a handle on its target ({@link #target}); for a
   * cancel the node where it began and its {@code Done}; for a reach the {@code Done}. A ring full
   * of events that referenced tasks (and through them their threads) made every young collection
   * copy hundreds of megabytes; these reference only long-lived or small objects.
   */
  record Event(
      long seq,
      long nanos,
      Kind kind,
      long threadId,
      Thread platformThread,
      long task,
      Object a,
      Object b) {}

  /** One stripe: its counter and its ring (allocated apart, so counters share no cache line). */
  private static final class Stripe {
    final AtomicLong next = new AtomicLong();
    final AtomicReferenceArray<Event> ring;

    Stripe(int size) {
      ring = new AtomicReferenceArray<>(size);
    }
  }

  private final Stripe[] stripes;
  private final int stripeMask;
  private final int mask; // of each stripe's ring

  final long startNanos;

  TraceRecorder(int capacity) {
    int n = 8;
    while (n < 4 * Runtime.getRuntime().availableProcessors() && n < 64) {
      n <<= 1;
    }
    int size = 16;
    while ((long) size * n < capacity) {
      size <<= 1;
    }
    stripes = new Stripe[n];
    for (int i = 0; i < n; i++) {
      stripes[i] = new Stripe(size);
    }
    stripeMask = n - 1;
    mask = size - 1;
    startNanos = System.nanoTime();
  }

  int capacity() {
    return stripes.length * (mask + 1);
  }

  private void append(long nanos, Kind kind, long task, Object a, Object b) {
    Thread t = Thread.currentThread();
    long id = t.threadId();
    Stripe s = stripes[(int) (id ^ (id >>> 16)) & stripeMask];
    long seq = s.next.getAndIncrement();
    Event e = new Event(seq, nanos, kind, id, t.isVirtual() ? null : t, task, a, b);
    s.ring.setRelease((int) (seq & mask), e);
  }

  /**
   * What a wait event keeps of its target: channels and scopes themselves (few, long-lived, and
   * their names are what a reader wants), a task or a task's own context as a {@link TaskRef} (not
   * the task, which holds its thread), anything else as is.
   */
  private static Object target(Object target) {
    if (target instanceof Task<?> t) {
      return new TaskRef(t.id, false);
    }
    if (target instanceof CancelNode n && n.owner() instanceof Task<?> t) {
      return new TaskRef(t.id, true);
    }
    return target;
  }

  /** A task named by id in a wait's target: the task itself, or its own context. */
  record TaskRef(long id, boolean context) {
    @Override
    public String toString() {
      return (context ? "context of task #" : "task #") + id;
    }
  }

  /** The events appended before now, oldest first, and what was lost. */
  Snapshot snapshot() {
    List<Event> kept = new ArrayList<>();
    long total = 0;
    long lostInFlight = 0;
    long completeFrom = startNanos;
    for (Stripe s : stripes) {
      long end = s.next.get();
      total += end;
      long first = Math.max(0, end - s.ring.length());
      Event oldest = null;
      for (long seq = first; seq < end; seq++) {
        Event e = s.ring.getAcquire((int) (seq & mask));
        if (e != null && e.seq == seq) {
          kept.add(e);
          if (oldest == null) {
            oldest = e;
          }
        } else {
          lostInFlight++;
        }
      }
      if (first > 0 && oldest != null && oldest.nanos > completeFrom) {
        completeFrom = oldest.nanos; // this stripe lost what came before its oldest event
      }
    }
    // Merged by time; a thread's events are in one stripe, in order, and stay so (stable sort).
    kept.sort(Comparator.comparingLong(Event::nanos));
    return new Snapshot(List.copyOf(kept), total, lostInFlight, completeFrom);
  }

  /**
   * What a recording holds when stopped: {@code events} oldest first; {@code total} appended in
   * all; {@code lostInFlight} whose writers had not finished at the stop; {@code completeFromNanos}
   * the time from which no event was overwritten (the recording's start if none was).
   */
  record Snapshot(List<Event> events, long total, long lostInFlight, long completeFromNanos) {
    long dropped() {
      return total - events.size();
    }
  }

  // ---- the sink ----

  @Override
  void spawned(Task<?> task) {
    append(System.nanoTime(), Kind.SPAWN, task.id, task.scope, task.rawName());
  }

  @Override
  void started(Task<?> task) {
    append(System.nanoTime(), Kind.START, task.id, null, null);
  }

  @Override
  void ended(Task<?> task, Task.State end) {
    append(System.nanoTime(), Kind.END, task.id, end, null);
  }

  @Override
  void waitBegan(Waits.Wait w) {
    append(w.sinceNanos(), Kind.WAIT_BEGIN, 0, w.reason(), target(w.target()));
  }

  @Override
  void waitEnded(Waits.Wait w) {
    append(System.nanoTime(), Kind.WAIT_END, 0, w.reason(), null);
  }

  @Override
  void cancelled(CancelNode node, ContextErrors.Done d, boolean root) {
    long now = System.nanoTime();
    if (root) {
      append(now, Kind.CANCEL, 0, String.valueOf(node), d);
    }
    if (node.owner() instanceof Task<?> t) {
      append(now, Kind.CANCEL_REACHED, t.id, d, null);
    }
  }

  @Override
  void straggler(Task<?> task) {
    append(System.nanoTime(), Kind.STRAGGLER, task.id, null, null);
  }

  @Override
  void restarted(String supervisorPath, String child) {
    append(System.nanoTime(), Kind.RESTART, 0, supervisorPath, child);
  }

  @Override
  void leakSuspected(TaskInfo task, String shape, String description) {
    append(System.nanoTime(), Kind.LEAK, task.id(), task.toString(), shape + ": " + description);
  }
}
