package io.tether;

/**
 * A buffered channel's values: a ring of fixed capacity, first in first out. Slots outside {@code
 * [head, head + count)} are null. Guarded by the channel's lock.
 */
final class Ring {
  /** The buffer of every unbuffered channel: capacity 0, so it never holds a value. */
  static final Ring NONE = new Ring(0);

  private final Object[] slots;
  private int head;
  private int count;

  Ring(int capacity) {
    this.slots = new Object[capacity];
  }

  /** How many values it holds. */
  int size() {
    return count;
  }

  /** Appends {@code v}; the caller has checked there is room. */
  void add(Object v) {
    int capacity = slots.length;
    int tail = head + count;
    if (tail >= capacity) {
      tail -= capacity;
    }
    slots[tail] = v;
    count++;
  }

  /** Takes the oldest value; the caller has checked there is one. */
  Object poll() {
    Object v = slots[head];
    slots[head] = null;
    if (++head == slots.length) {
      head = 0;
    }
    count--;
    return v;
  }
}
