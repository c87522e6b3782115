package io.tether;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A set that members join and leave often, iterated now and then without blocking either: a scope's
 * live tasks ({@link LiveTasks}), and the registry's open scopes. A member is in at most one such
 * set; the subclass says where the member keeps its place ({@link #placed}, {@link #chunkOf},
 * {@link #slotOf}), so that joining allocates nothing and leaving needs no search.
 *
 * <p>Why not a concurrent hash set: on the spawn path its shared size counter and its rehashing as
 * a scope grows were the largest cost Tether added to a virtual-thread start, in profiles of large
 * spawn batches; and registering each scope in one took about 150 ns of an empty scope's 340 ns
 * (the identity hash, the bin's monitor on removal, the size counter; figures in
 * docs/benchmarks-notes.md). Here an add and a remove touch no counter in common.
 *
 * <p>Layout: chunks of slots, newest first ({@link #head}), each linked to the next older one. The
 * first chunk has {@link #FIRST_SLOTS} slots and each new head twice as many as the one it follows,
 * up to {@link #MAX_SLOTS}: most scopes own a task or two, and a 64-slot array made for each was
 * the largest allocation of a one-task scope. An add takes the next slot of the head chunk ({@code
 * fill}, by atomic add) and writes the member there; when the head is full it makes a new head,
 * under this object's monitor. The member remembers its chunk and slot; its removal clears the slot
 * and counts the chunk's cleared slots ({@code ended}). A chunk whose every slot has been filled
 * and cleared is dead: whoever sees it so, its last remover or the next new head, unlinks it under
 * the monitor by pointing its newer neighbour past it. A dead chunk's link to older chunks is never
 * changed, so an iterator standing on it still reaches every older chunk; its link to newer ones is
 * cleared, so a removed member that outlives its removal keeps no newer chunk reachable.
 *
 * <p>Memory consistency: a slot is written and read with volatile access, so an add followed by a
 * volatile read (a spawn reading whether the scope's context is done) and a volatile write followed
 * by an iteration (a cancel marking it done, then iterating) cannot both miss each other: either
 * the iteration sees the member or the adder sees the write. Iteration is otherwise weakly
 * consistent: members added or removed meanwhile may or may not be seen; none is seen twice.
 */
abstract class LiveSet<E> implements Iterable<E> {

  /** The size of the first chunk. */
  static final int FIRST_SLOTS = 4;

  /** The size no chunk grows past. */
  static final int MAX_SLOTS = 64;

  static final class Chunk {
    final Object[] slots;

    /** The next slot to hand out; grows past the chunk's size once it is full. */
    volatile int fill;

    /** Slots cleared by their member's removal. The chunk is dead when this reaches its size. */
    volatile int ended;

    /** The next older chunk, or null. Changed only under the monitor, and never once unlinked. */
    volatile Chunk older;

    /** The next newer chunk, or null for the head. Guarded by the monitor. */
    Chunk newer;

    /** Guarded by the monitor. */
    boolean unlinked;

    Chunk(int size) {
      slots = new Object[size];
    }

    /** The size of the chunk made after this one. */
    int nextSize() {
      return Math.min(2 * slots.length, MAX_SLOTS);
    }
  }

  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
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

  /**
   * Records in {@code member} where it is held: called once per add, before the slot is written.
   */
  abstract void placed(E member, Chunk chunk, int slot);

  /** The chunk {@link #placed} recorded for {@code member}. */
  abstract Chunk chunkOf(E member);

  /** The slot {@link #placed} recorded for {@code member}. */
  abstract int slotOf(E member);

  /** Adds {@code member}, which must not be in any set yet. */
  final void add(E member) {
    while (true) {
      Chunk c = head;
      int i = (int) FILL.getAndAdd(c, 1);
      if (i < c.slots.length) {
        placed(member, c, i);
        SLOT.setVolatile(c.slots, i, member);
        return;
      }
      grow(c);
    }
  }

  /** Removes {@code member}, added before; once per member. */
  final void remove(E member) {
    Chunk c = chunkOf(member);
    SLOT.setRelease(c.slots, slotOf(member), (Object) null);
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
    // A removed member may outlive its removal (a task handle, a closed scope) and keeps its chunk
    // reachable: that chunk must not keep the newer ones too.
    c.newer = null;
  }

  /** How many chunks an iteration walks now (for tests: dead chunks must not pile up). */
  int chunks() {
    int n = 0;
    for (Chunk c = head; c != null; c = c.older) {
      n++;
    }
    return n;
  }

  /** A copy of the members, in no particular order. */
  final List<E> copy() {
    List<E> out = new ArrayList<>();
    for (E e : this) {
      out.add(e);
    }
    return out;
  }

  @Override
  public final Iterator<E> iterator() {
    return new Iterator<>() {
      private Chunk chunk = head;
      private int slot;
      private E next;

      @Override
      public boolean hasNext() {
        while (next == null && chunk != null) {
          if (slot == chunk.slots.length) {
            chunk = chunk.older;
            slot = 0;
            continue;
          }
          @SuppressWarnings("unchecked")
          E e = (E) SLOT.getVolatile(chunk.slots, slot++);
          next = e;
        }
        return next != null;
      }

      @Override
      public E next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        E e = next;
        next = null;
        return e;
      }
    };
  }
}
