package io.tether;

/**
 * Internal base of every {@link SelectClause}, and the protocol {@link Select} drives.
 *
 * <p>Pass 1, with every involved channel locked: {@link #tryNow()} proceeds if it can without
 * waiting. Pass 2, still locked: {@link #register} makes the clause claimable for the select's
 * {@link Parker}. After the select is decided: {@link #unregister} on every registered clause, then
 * {@link #complete} on the winner, outside all locks (it runs the user's action).
 */
abstract non-sealed class Clause<R> implements SelectClause<R>, Waits.Arm {
  /** Returned by {@link #tryNow()} when the clause cannot proceed yet. */
  static final Object NOT_READY = new Object();

  /** The outcome of a clause that proceeds with no value (a send, a done context, a timeout). */
  static final Object PROCEEDED = new Object();

  /** The context whose cancellation readies this clause, or null (only a done clause has one). */
  @Override
  public Waits.DoneSource cancelledBy() {
    return null;
  }

  /** The channel whose lock the select must hold for this clause, or null. */
  Channel<?> channel() {
    return null;
  }

  /** Pass 1 (channel locked): proceed now if possible; the outcome, or {@link #NOT_READY}. */
  abstract Object tryNow();

  /** Pass 2 (channel locked): make the clause claimable as {@code index}; a handle, or null. */
  abstract Object register(Parker parker, int index);

  /** After the decision, no lock held: undo {@link #register}. {@code handle} may be null. */
  abstract void unregister(Object handle);

  /** The outcome of this clause having won, read from the parker. */
  Object outcome(Parker parker) {
    return PROCEEDED;
  }

  /** Runs the user's action for {@code outcome}. */
  abstract R complete(Object outcome);

  /** What the registry shows while a select waits on this clause. */
  abstract String describe();
}
