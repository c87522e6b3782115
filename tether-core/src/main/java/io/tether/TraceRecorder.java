package io.tether;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink behind a {@link Trace.Recording}: appends each event to a ring buffer of fixed capacity,
 * overwriting the oldest when full (a flight recorder keeps the latest).
 *
 * <p>The ring is striped by thread: a thread always appends to the stripe its id hashes to, so
 * threads seldom contend on one counter, and each thread's events stay in order in one stripe. The
 * export merges the stripes by time.
 *
 * <p>Layout, per stripe: each slot is four {@code long}s in {@code words} — a tag ({@code seq + 1},
 * 0 while being written), the time, the kind with its small argument and the thread id packed in
 * one word, and the task id — and two references in {@code refs} for the few kinds that carry
 * objects (a spawn's scope and name, a wait's reason and target, a cancel's context and {@code
 * Done}). So starts and ends, most of the events, allocate nothing and store no reference: the ring
 * costs the garbage collector nothing to scan for them.
 *
 * <p>Invariants, per stripe: {@code next} counts events ever appended to it; event {@code seq}
 * lives in slot {@code seq & mask} until event {@code seq + size} overwrites it. A writer takes its
 * {@code seq} by {@code getAndIncrement}, clears the slot's tag, writes the fields and publishes
 * the tag {@code seq + 1} with release semantics; a reader reads the tag (acquire), the fields, and
 * the tag again, and keeps the event only if both reads are {@code seq + 1} (a seqlock), so an
 * event overwritten or half-written while the reader looked is counted as lost, never read torn.
 * The reader runs after the recording stopped, so only late writers (threads that saw the sink just
 * before its removal) race with it.
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

  /** One stripe: its counter and its slots (allocated apart, so counters share no cache line). */
  private static final class Stripe {
    final AtomicLong next = new AtomicLong();
    final long[] words;
    final Object[] refs;

    Stripe(int size) {
      words = new long[size * 4];
      refs = new Object[size * 2];
    }
  }

  private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

  private static final Kind[] KINDS = Kind.values();

  private static final Task.State[] STATES = Task.State.values();

  private final Stripe[] stripes;
  private final int stripeMask;
  private final int mask; // of each stripe's slots
  private final Map<Long, Thread> platformThreads = new ConcurrentHashMap<>();

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

  /** Appends one event; {@code arg} is a small number (an end state's ordinal). */
  private void append(long nanos, Kind kind, int arg, long task, Object a, Object b) {
    Thread t = Thread.currentThread();
    long id = t.threadId();
    if (!t.isVirtual() && platformThreads.get(id) == null) {
      platformThreads.putIfAbsent(id, t); // few, long-lived: kept for their names
    }
    Stripe s = stripes[(int) (id ^ (id >>> 16)) & stripeMask];
    long seq = s.next.getAndIncrement();
    int slot = (int) (seq & mask);
    int w = slot << 2;
    long[] words = s.words;
    WORDS.setOpaque(words, w, 0L);
    VarHandle.storeStoreFence();
    words[w + 1] = nanos;
    words[w + 2] = ((long) kind.ordinal() << 56) | ((long) arg << 48) | id;
    words[w + 3] = task;
    if (a != null || b != null) {
      s.refs[slot << 1] = a;
      s.refs[(slot << 1) + 1] = b;
    }
    WORDS.setRelease(words, w, seq + 1);
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
      long first = Math.max(0, end - (mask + 1));
      Event oldest = null;
      for (long seq = first; seq < end; seq++) {
        Event e = read(s, seq);
        if (e != null) {
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

  /** Event {@code seq} of {@code s}, or null if it is being (or was) overwritten. */
  private Event read(Stripe s, long seq) {
    int slot = (int) (seq & mask);
    int w = slot << 2;
    if ((long) WORDS.getAcquire(s.words, w) != seq + 1) {
      return null;
    }
    long nanos = s.words[w + 1];
    long packed = s.words[w + 2];
    long task = s.words[w + 3];
    Kind kind = KINDS[(int) (packed >>> 56)];
    Object a = null;
    Object b = null;
    if (kind != Kind.START && kind != Kind.END && kind != Kind.STRAGGLER) {
      a = s.refs[slot << 1];
      b = s.refs[(slot << 1) + 1];
    }
    VarHandle.loadLoadFence();
    if ((long) WORDS.getOpaque(s.words, w) != seq + 1) {
      return null;
    }
    if (kind == Kind.END) {
      a = STATES[(int) ((packed >>> 48) & 0xff)];
    }
    long threadId = packed & ((1L << 48) - 1);
    return new Event(seq, nanos, kind, threadId, platformThreads.get(threadId), task, a, b);
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
    append(System.nanoTime(), Kind.SPAWN, 0, task.id, task.scope, task.rawName());
  }

  @Override
  void started(Task<?> task) {
    append(System.nanoTime(), Kind.START, 0, task.id, null, null);
  }

  @Override
  void ended(Task<?> task, Task.State end) {
    append(System.nanoTime(), Kind.END, end.ordinal(), task.id, null, null);
  }

  @Override
  void waitBegan(Waits.Wait w) {
    append(w.sinceNanos(), Kind.WAIT_BEGIN, 0, 0, w.reason(), target(w.target()));
  }

  @Override
  void waitEnded(Waits.Wait w) {
    append(System.nanoTime(), Kind.WAIT_END, 0, 0, w.reason(), null);
  }

  @Override
  void cancelled(CancelNode node, ContextErrors.Done d, boolean root) {
    long now = System.nanoTime();
    if (root) {
      append(now, Kind.CANCEL, 0, 0, String.valueOf(node), d);
    }
    if (node.owner() instanceof Task<?> t) {
      append(now, Kind.CANCEL_REACHED, 0, t.id, d, null);
    }
  }

  @Override
  void straggler(Task<?> task) {
    append(System.nanoTime(), Kind.STRAGGLER, 0, task.id, null, null);
  }

  @Override
  void restarted(String supervisorPath, String child) {
    append(System.nanoTime(), Kind.RESTART, 0, 0, supervisorPath, child);
  }

  @Override
  void leakSuspected(TaskInfo task, String shape, String description) {
    append(System.nanoTime(), Kind.LEAK, 0, task.id(), task.toString(), shape + ": " + description);
  }
}
