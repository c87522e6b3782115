package io.tether;

/**
 * An entry in a channel's queue of blocked senders or receivers: one clause of one {@link Parker}.
 * A plain send or receive is its own parker; a select has one parker and one waiter per channel
 * clause. Queue links are guarded by the channel's lock.
 */
final class ChanWaiter extends Parker {
  final Parker parker;
  final int clause;
  final Object item; // the value to send; null for a receiver
  ChanWaiter prev;
  ChanWaiter next;
  boolean queued;

  /** A plain operation: its own parker, clause 0. */
  ChanWaiter(Thread thread, Object item) {
    super(thread);
    this.parker = this;
    this.clause = 0;
    this.item = item;
  }

  /** One channel clause of a select. */
  ChanWaiter(Parker parker, int clause, Object item) {
    super(null);
    this.parker = parker;
    this.clause = clause;
    this.item = item;
  }
}
