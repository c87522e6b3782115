package io.tether.grpc;

import io.grpc.Status;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * Why a server call's Tether context ended: the {@link io.tether.Context#cause() cause} that {@link
 * ServerContexts} gives when it cancels the context of a call.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * Context ctx = ServerContexts.current();
 * ctx.await();
 * if (ctx.cause() instanceof CallEndedException e && e.reason() == Reason.CLIENT_CANCELLED) {
 *   log.info("{} gave up after {}", e.method(), e.status());
 * }
 * }</pre>
 *
 * <p>A deadline shows as the context's own {@link io.tether.DeadlineExceededException} ({@code
 * ctx.err() instanceof DeadlineExceededException}): when gRPC reports the end of a call at its
 * deadline, the context is left to its own timer, which {@link ServerContexts} sets to fire within
 * {@link ServerContexts#DEADLINE_SLACK} of the call's. {@link Reason#DEADLINE_EXCEEDED} appears
 * only where the context's timer does not track the call's deadline (a deadline gRPC saw but the
 * context did not, which does not happen with {@link ServerContexts} alone).
 *
 * <p>Like the context's own errors, it carries no stack trace: it is made on a transport thread and
 * says nothing about the code that observes it.
 */
public final class CallEndedException extends CancellationException {
  private static final long serialVersionUID = 1L;

  /** Why the call ended, as far as the server can tell. */
  public enum Reason {
    /** The server finished the call normally; work still running under the call must stop. */
    COMPLETED,
    /** The client cancelled the call (an HTTP/2 RST_STREAM with CANCEL). */
    CLIENT_CANCELLED,
    /**
     * The call's deadline passed: the server's own deadline fired, or the client reset the stream
     * within {@link ServerContexts#DEADLINE_SLACK} of it (a client whose deadline passes resets the
     * stream exactly as a client that cancels; the time is what tells them apart). On the first
     * call of a client channel that was still connecting, grpc-java does not subtract the connect
     * time from {@code grpc-timeout}, so the server's deadline lies later than the client's by that
     * time, and the client's reset at its deadline reads as {@link #CLIENT_CANCELLED}.
     */
    DEADLINE_EXCEEDED,
    /**
     * The connection under the call ended: the client went away or dropped the connection (or this
     * server was stopped with {@code shutdownNow}).
     */
    DISCONNECTED,
    /** The stream ended with another status (a protocol error, a resource limit, ...). */
    FAILED
  }

  private final transient Status status;
  private final Reason reason;
  private final String method;

  CallEndedException(String method, Reason reason, Status status, String message) {
    super(message);
    this.method = Objects.requireNonNull(method, "method");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.status = Objects.requireNonNull(status, "status");
  }

  /** Why the call ended. */
  public Reason reason() {
    return reason;
  }

  /** The status gRPC reported for the stream ({@code OK} for a completed call). */
  public Status status() {
    return status;
  }

  /** The full method name of the call: {@code shop.ShopService/Place}. */
  public String method() {
    return method;
  }

  /** No stack: see the class comment. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
