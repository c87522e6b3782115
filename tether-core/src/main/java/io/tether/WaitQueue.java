package io.tether;

/**
 * One direction of a channel's blocked operations: its queue of waiting senders, or of waiting
 * receivers ({@link ChanWaiter}s, oldest first). A doubly linked list through the waiters' own
 * {@code prev}/{@code next} fields; {@code queued} is true exactly while a waiter is linked here.
 * Guarded by the channel's lock: every method is called under it.
 */
final class WaitQueue {
  private ChanWaiter head;
  private ChanWaiter tail;

  /** Appends {@code w}. */
  void link(ChanWaiter w) {
    w.prev = tail;
    if (tail == null) {
      head = w;
    } else {
      tail.next = w;
    }
    tail = w;
    w.queued = true;
  }

  /** Removes {@code w} if it is queued (here: a waiter is only ever linked in one queue). */
  void unlink(ChanWaiter w) {
    if (!w.queued) {
      return;
    }
    w.queued = false;
    ChanWaiter p = w.prev;
    ChanWaiter n = w.next;
    if (p == null) {
      head = n;
    } else {
      p.next = n;
    }
    if (n == null) {
      tail = p;
    } else {
      n.prev = p;
    }
    w.prev = w.next = null;
  }

  /** The first waiter that can be claimed (claimed now, and unlinked), or null. Skips dead ones. */
  ChanWaiter poll() {
    for (ChanWaiter w = head; w != null; w = head) {
      unlink(w);
      if (w.parker.tryClaim(w.clause)) {
        return w;
      }
    }
    return null;
  }

  /** Whether no waiter is queued (racy when read without the lock: a hint). */
  boolean isEmpty() {
    return head == null;
  }

  /**
   * Empties the queue (on close) and returns its waiters as a list still linked through {@code
   * next}, each marked not queued.
   */
  ChanWaiter detachAll() {
    ChanWaiter all = head;
    head = tail = null;
    for (ChanWaiter w = all; w != null; w = w.next) {
      w.queued = false;
    }
    return all;
  }
}
