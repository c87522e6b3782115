package io.tether;

import java.util.function.Function;
import java.util.function.Supplier;

/** A send or receive clause on one channel. */
final class ChanClause<T, R> extends Clause<R> {
  private final Channel<T> channel;
  private final boolean send;
  private final Object value; // to send
  private final Function<? super T, ? extends R> onValue; // receive
  private final Supplier<? extends R> onSent; // send
  private final Supplier<? extends R> onClosed; // receive; null: throw when closed

  ChanClause(
      Channel<T> channel,
      boolean send,
      Object value,
      Function<? super T, ? extends R> onValue,
      Supplier<? extends R> onSent,
      Supplier<? extends R> onClosed) {
    this.channel = channel;
    this.send = send;
    this.value = value;
    this.onValue = onValue;
    this.onSent = onSent;
    this.onClosed = onClosed;
  }

  @Override
  Channel<?> channel() {
    return channel;
  }

  @Override
  Object tryNow() {
    if (send) {
      return channel.sendNow(value) ? PROCEEDED : NOT_READY;
    }
    Object v = channel.takeNow();
    return v == null ? NOT_READY : v;
  }

  @Override
  Object register(Parker parker, int index) {
    ChanWaiter w = new ChanWaiter(parker, index, send ? value : null);
    if (send) {
      channel.linkSender(w);
    } else {
      channel.linkReceiver(w);
    }
    return w;
  }

  @Override
  void unregister(Object handle) {
    ChanWaiter w = (ChanWaiter) handle;
    channel.lock.lock();
    try {
      channel.unlink(w);
    } finally {
      channel.lock.unlock();
    }
  }

  @Override
  Object outcome(Parker parker) {
    if (parker.closed) {
      return Channel.CLOSED;
    }
    return send ? PROCEEDED : parker.value;
  }

  @Override
  @SuppressWarnings("unchecked")
  R complete(Object outcome) {
    if (send) {
      if (outcome == Channel.CLOSED) {
        throw channel.closedForSend();
      }
      return onSent.get();
    }
    if (outcome == Channel.CLOSED) {
      if (onClosed == null) {
        throw channel.closedForReceive();
      }
      return onClosed.get();
    }
    return onValue.apply((T) outcome);
  }

  @Override
  String describe() {
    return (send ? "send on " : "receive on ") + channel;
  }
}
