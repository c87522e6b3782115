package io.tether.http;

import io.tether.CancellableContext;
import io.tether.Context;
import io.tether.Scope;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One request as {@link ContextFilter} tracks it: its context, the scope that owns it in the
 * registry, and the two ends it watches for (response complete, client gone). Ending is idempotent
 * and safe from any thread: the first cause wins, as for any context.
 */
final class RequestState {
  private final String request;
  private final CancellableContext ctx;
  private final Scope scope;
  private final long startNanos = System.nanoTime();

  RequestState(String request, CancellableContext ctx, Scope scope) {
    this.request = request;
    this.ctx = ctx;
    this.scope = scope;
  }

  /** The context handed to the handler: the scope's, so that what it opens shows under it. */
  Context context() {
    return scope.context();
  }

  /** A write of the response failed: the client is gone. */
  void clientGone(IOException e) {
    ctx.cancel(ended(RequestEndedException.Reason.CLIENT_GONE, "client gone", e));
  }

  /** A write to the response: one step that may find the client gone. */
  @FunctionalInterface
  interface Write {
    void run() throws IOException;
  }

  /**
   * Runs one write to the response; if it fails, the client is gone (the one sign of it both
   * servers give): cancels the request's context and rethrows.
   */
  void write(Write w) throws IOException {
    try {
      w.run();
    } catch (IOException e) {
      clientGone(e);
      throw e;
    }
  }

  /** The response is complete (the exchange was closed). */
  void completed() {
    ctx.cancel(ended(RequestEndedException.Reason.COMPLETED, "completed", null));
  }

  /** The handler returned: complete, and close the request's scope (it owns no task). */
  void end() {
    completed();
    try {
      scope.close();
    } catch (java.util.concurrent.CancellationException expected) {
      // The scope owns no task (it is never handed out), so the only thing its close can report
      // is the cancellation of its own context, which completed() just did on purpose.
    }
  }

  private RequestEndedException ended(
      RequestEndedException.Reason reason, String what, IOException cause) {
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    String message =
        "HTTP request "
            + request
            + " "
            + what
            + " after "
            + ms
            + " ms"
            + (cause == null ? "" : " (write failed: " + cause + ")");
    return new RequestEndedException(request, reason, message, cause);
  }

  @Override
  public String toString() {
    return "HTTP request " + request + " " + ctx;
  }
}
