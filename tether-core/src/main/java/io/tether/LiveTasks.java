package io.tether;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The live tasks of one scope: a set that a spawn adds to and the task's end removes from, iterated
 * by cancellation and the registry without blocking either.
 *
 * <p>Why not a concurrent hash set: on the spawn path its shared size counter and its rehashing as
 * a scope grows were the largest cost Tether added to a virtual-thread start, in profiles of large
 * spawn batches (figures in docs/benchmarks-notes.md). Here a spawn and an end touch no counter in
 * common.
 *
 * <p>Layout: chunks of slots, newest first ({@link #head}), each linked to the next older one. The
 * first chunk has {@link #FIRST_SLOTS} slots and each new head twice as many as the one it follows,
 * up to {@link #MAX_SLOTS}: most scopes own a task or two, and a 64-slot array made for each was
 * the largest allocation of a one-task scope. A spawn takes the next slot of the head chunk ({@code
 * fill}, by atomic add) and writes the task there; when the head is full it makes a new head, under
 * this object's monitor. The task remembers its chunk and slot; its end clears the slot and counts
 * the chunk's cleared slots ({@code ended}). A chunk whose every slot has been filled and cleared
 * is dead: whoever sees it so, its last ender or the next new head, unlinks it under the monitor by
 * pointing its newer neighbour past it. A dead chunk's own link is never changed, so an iterator
 * standing on it still reaches every older chunk.
 *
 * <p>Memory consistency: a slot is written and read with volatile access, so a spawn that adds its
 * task and then reads whether the scope's context is done, and a cancel that marks it done and then
 * iterates, cannot both miss each other: either the iteration sees the task or the spawn sees the
 * cancel. Iteration is otherwise weakly consistent: tasks added or removed meanwhile may or may not
 * be seen; a task is never seen twice.
 */
final class LiveTasks implements Iterable<Task<?>> {

  /** The size of the first chunk. */
  static final int FIRST_SLOTS = 4;

  /** The size no chunk grows past. */
  static final int MAX_SLOTS = 64;

  static final class Chunk {
    final Task<?>[] slots;

    /** The next slot to hand out; grows past the chunk's size once it is full. */
    volatile int fill;

    /** Slots cleared by their task's end. The chunk is dead when this reaches its size. */
    volatile int ended;

    /** The next older chunk, or null. Changed only under the monitor, and never once unlinked. */
    volatile Chunk older;

    /** The next newer chunk, or null for the head. Guarded by the monitor. */
    Chunk newer;

    /** Guarded by the monitor. */
    boolean unlinked;

    Chunk(int size) {
      slots = new Task<?>[size];
    }

    /** The size of the chunk made after this one. */
    int nextSize() {
      return Math.min(2 * slots.length, MAX_SLOTS);
    }
  }

  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Task[].class);
  private static final VarHandle FILL;
  private static final VarHandle ENDED;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      FILL = l.findVarHandle(Chunk.class, "fill", int.class);
      ENDED = l.findVarHandle(Chunk.class, "ended", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile Chunk head = new Chunk(FIRST_SLOTS);

  /** Adds {@code task}, which must not be in any set yet; records its slot in the task. */
  void add(Task<?> task) {
    while (true) {
      Chunk c = head;
      int i = (int) FILL.getAndAdd(c, 1);
      if (i < c.slots.length) {
        task.liveChunk = c;
        task.liveSlot = i;
        SLOT.setVolatile(c.slots, i, task);
        return;
      }
      grow(c);
    }
  }

  /** Removes {@code task}, added before; once per task. */
  void remove(Task<?> task) {
    Chunk c = task.liveChunk;
    SLOT.setRelease(c.slots, task.liveSlot, (Task<?>) null);
    if ((int) ENDED.getAndAdd(c, 1) + 1 == c.slots.length) {
      synchronized (this) {
        if (c != head) {
          unlink(c);
        } // else: the next grow() bypasses it
      }
    }
  }

  /** Makes a new head after {@code full}, unless someone already did. */
  private synchronized void grow(Chunk full) {
    if (head != full) {
      return;
    }
    Chunk fresh = new Chunk(full.nextSize());
    if (full.ended == full.slots.length) {
      unlinkHead(full);
    }
    Chunk older = full.unlinked ? full.older : full;
    fresh.older = older;
    if (older != null) {
      older.newer = fresh;
    }
    head = fresh;
  }

  /** Under the monitor: drops the dead head chunk {@code c} from the list before it is replaced. */
  private void unlinkHead(Chunk c) {
    c.unlinked = true;
    Chunk o = c.older;
    if (o != null) {
      o.newer = null;
    }
  }

  /** Under the monitor: drops the dead chunk {@code c}, which is not the head, from the list. */
  private void unlink(Chunk c) {
    if (c.unlinked) {
      return;
    }
    c.unlinked = true;
    Chunk n = c.newer;
    Chunk o = c.older;
    n.older = o;
    if (o != null) {
      o.newer = n;
    }
  }

  /** How many chunks an iteration walks now (for tests: dead chunks must not pile up). */
  int chunks() {
    int n = 0;
    for (Chunk c = head; c != null; c = c.older) {
      n++;
    }
    return n;
  }

  /** A copy of the live tasks, in no particular order. */
  List<Task<?>> copy() {
    List<Task<?>> out = new ArrayList<>();
    for (Task<?> t : this) {
      out.add(t);
    }
    return out;
  }

  @Override
  public Iterator<Task<?>> iterator() {
    return new Iterator<>() {
      private Chunk chunk = head;
      private int slot;
      private Task<?> next;

      @Override
      public boolean hasNext() {
        while (next == null && chunk != null) {
          if (slot == chunk.slots.length) {
            chunk = chunk.older;
            slot = 0;
            continue;
          }
          next = (Task<?>) SLOT.getVolatile(chunk.slots, slot++);
        }
        return next != null;
      }

      @Override
      public Task<?> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Task<?> t = next;
        next = null;
        return t;
      }
    };
  }
}
