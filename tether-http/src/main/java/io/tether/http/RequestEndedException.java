package io.tether.http;

import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * Why a server request's Tether context was cancelled by {@link ContextFilter}: its {@link
 * io.tether.Context#cause() cause}. A deadline shows as the context's own {@link
 * io.tether.DeadlineExceededException} instead; a cancelled root, as the root's cause.
 *
 * <pre>{@code
 * if (ctx.cause() instanceof RequestEndedException e && e.reason() == Reason.CLIENT_GONE) {
 *   metrics.abandoned(e.request());
 * }
 * }</pre>
 *
 * Carries no stack trace, like the context's own errors; a failed write's {@code IOException} is
 * its cause.
 */
public final class RequestEndedException extends CancellationException {
  private static final long serialVersionUID = 1L;

  /** Why the request ended. */
  public enum Reason {
    /** The response was complete (the handler closed the exchange or returned). */
    COMPLETED,
    /** Writing the response failed: the client went away (closed or reset the connection). */
    CLIENT_GONE
  }

  private final Reason reason;
  private final String request;

  RequestEndedException(String request, Reason reason, String message, Throwable cause) {
    super(message);
    this.request = Objects.requireNonNull(request, "request");
    this.reason = Objects.requireNonNull(reason, "reason");
    if (cause != null) {
      initCause(cause);
    }
  }

  /** Why the request ended. */
  public Reason reason() {
    return reason;
  }

  /** The request line's method and path: {@code GET /orders/17}. */
  public String request() {
    return request;
  }

  /** No stack: see the class comment. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
