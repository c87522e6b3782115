package io.tether.http;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body subscriber that the request's context can abort: on {@link #abort} it cancels the
 * subscription (the client stops reading and drops the connection) and ends the caller's body with
 * the context's error, so a reader blocked on a streamed body wakes. Every call into the caller's
 * subscriber is made under one lock, so an abort never overlaps the publisher's signals.
 */
final class AbortableBody<T> implements BodySubscriber<T> {
  private final BodySubscriber<T> delegate;
  private final Runnable onEnd;

  // Guarded by this.
  private Flow.Subscription subscription;
  private boolean ended;
  private Throwable abortedWith; // an abort that came before onSubscribe

  AbortableBody(BodySubscriber<T> delegate, Runnable onEnd) {
    this.delegate = delegate;
    this.onEnd = onEnd;
  }

  @Override
  public CompletionStage<T> getBody() {
    return delegate.getBody();
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    synchronized (this) {
      subscription = s;
      delegate.onSubscribe(s);
      if (abortedWith == null) {
        return;
      }
      s.cancel();
      delegate.onError(abortedWith);
    }
    onEnd.run();
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    synchronized (this) {
      if (!ended) {
        delegate.onNext(item);
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      delegate.onError(t);
    }
    onEnd.run();
  }

  @Override
  public void onComplete() {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      delegate.onComplete();
    }
    onEnd.run();
  }

  /** Stops the body with {@code error}, unless it already ended. */
  void abort(Throwable error) {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      if (subscription == null) {
        abortedWith = error; // onSubscribe delivers it
        return;
      }
      subscription.cancel();
      delegate.onError(error);
    }
    onEnd.run();
  }
}
