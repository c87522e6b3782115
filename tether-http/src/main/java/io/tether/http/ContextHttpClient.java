package io.tether.http;

import io.tether.Context;
import io.tether.DeadlineExceededException;
import io.tether.Registration;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The JDK's {@link HttpClient}, sending under a Tether {@link Context}: the request's timeout is
 * the context's remaining time, a header tells the server that budget, and cancelling the context
 * aborts the exchange.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * ContextHttpClient http = ContextHttpClient.of(httpClient);     // share one, like the HttpClient
 * try (CancellableContext ctx = parent.withTimeout(Duration.ofMillis(300))) {
 *   HttpResponse<String> r = http.send(ctx, HttpRequest.newBuilder(uri).build(), ofString());
 * }                       // request timeout <= 300 ms; the server sees "Tether-Timeout-Ms: 299"
 * }</pre>
 *
 * <h2>What is propagated</h2>
 *
 * <ul>
 *   <li><b>Deadline</b>: if the context has one, the request's {@link HttpRequest#timeout()
 *       timeout} becomes the remaining time (an earlier timeout on the request stays), and the
 *       {@link RequestBudget#DEFAULT_HEADER} header (or the one named with {@link #header}) carries
 *       the remaining whole milliseconds, replacing any the request had. No deadline: neither is
 *       touched. A deadline already passed fails at once with a {@link DeadlineExceededException}.
 *   <li><b>Cancellation</b>: once the context is done, the response future is cancelled and, if the
 *       body is still arriving, its subscription too; the JDK then closes the connection rather
 *       than reuse it (HTTP/1.1, tested) or resets the stream (HTTP/2, not tested here). The caller
 *       gets a {@link CancellationException} of the type of {@code ctx.err()} (a {@link
 *       DeadlineExceededException} for a deadline) with the cancel's cause, a streamed body's
 *       reader an {@code IOException} with it as the cause.
 *   <li><b>Not propagated</b>: context values, and the cancel's cause (the server sees a closed
 *       connection).
 * </ul>
 *
 * <h2>Cancellation and exit</h2>
 *
 * Each exchange registers one {@link Context#afterDone} action, dropped when the response body ends
 * (completely, in error or aborted). A streamed body ({@code ofInputStream}, {@code ofLines}) ends
 * when it is read to the end or closed: close it, or the registration stays until the context is
 * done. This wrapper owns no thread and needs no closing; the {@code HttpClient} stays yours to
 * close.
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions before the context is cancelled happen-before the caller observes the exchange aborted
 * (the context's {@code afterDone} edge, then the future's completion).
 */
public final class ContextHttpClient {
  private final HttpClient client;
  private final String header;

  private ContextHttpClient(HttpClient client, String header) {
    this.client = client;
    this.header = header;
  }

  /** Sends through {@code client}, with the {@value RequestBudget#DEFAULT_HEADER} header. */
  public static ContextHttpClient of(HttpClient client) {
    return new ContextHttpClient(
        Objects.requireNonNull(client, "client"), RequestBudget.DEFAULT_HEADER);
  }

  /** The same client, sending the budget in header {@code name}. */
  public ContextHttpClient header(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("header name is blank; name the budget header");
    }
    return new ContextHttpClient(client, name);
  }

  /** The JDK client this one sends through. */
  public HttpClient client() {
    return client;
  }

  /**
   * Sends {@code request} under {@code ctx} and waits for the response, like {@link
   * HttpClient#send}.
   *
   * @throws CancellationException if {@code ctx} is done before or while the exchange runs (a
   *     {@link DeadlineExceededException} if its deadline passed)
   * @throws IOException if the exchange fails while {@code ctx} is live
   * @throws InterruptedException if the thread is interrupted; the exchange is aborted
   */
  public <T> HttpResponse<T> send(
      Context ctx, HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<T>> response = sendAsync(ctx, request, handler);
    try {
      return response.get();
    } catch (InterruptedException e) {
      response.cancel(true);
      throw e;
    } catch (CancellationException e) {
      // The future failed with the context's error, which CompletableFuture reports as its own
      // cancellation: hand out the original, with its type and cause.
      Throwable original = response.handle((r, failure) -> failure).getNow(null);
      throw original instanceof CancellationException c ? c : e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
  }

  /**
   * Sends {@code request} under {@code ctx}, like {@link HttpClient#sendAsync}. The future fails
   * with the exceptions {@link #send} throws. The context's error being a {@link
   * CancellationException}, {@code CompletableFuture} reports that failure as cancelled ({@code
   * isCancelled()} is true and {@code get()} throws a new {@code CancellationException}); to see
   * the original, with its type and cause: {@code future.handle((r, failure) -> failure)}.
   * Cancelling the returned future aborts the exchange too; it does not cancel {@code ctx}.
   */
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      Context ctx, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(handler, "handler");
    if (ctx.isDone()) {
      return CompletableFuture.failedFuture(contextError(ctx, null));
    }
    HttpRequest prepared;
    Optional<Instant> deadline = ctx.deadline();
    if (deadline.isPresent()) {
      Duration left = Duration.between(Instant.now(), deadline.get());
      if (left.toMillis() <= 0) {
        return CompletableFuture.failedFuture(
            new DeadlineExceededException(
                "deadline of " + ctx + " passed before " + request + " was sent"));
      }
      Duration timeout = request.timeout().filter(t -> t.compareTo(left) < 0).orElse(left);
      prepared =
          HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase(header))
              .timeout(timeout)
              .header(header, RequestBudget.format(left))
              .build();
    } else {
      prepared = request;
    }
    Exchange<T> exchange = new Exchange<>(ctx);
    CompletableFuture<HttpResponse<T>> sent = client.sendAsync(prepared, exchange.wrap(handler));
    return exchange.start(sent);
  }

  /** A new exception of the type of {@code ctx.err()}, with {@code suppressed} if not null. */
  static CancellationException contextError(Context ctx, Throwable suppressed) {
    try {
      ctx.throwIfDone();
    } catch (CancellationException e) {
      if (suppressed != null) {
        e.addSuppressed(suppressed);
      }
      return e;
    }
    throw new AssertionError("context " + ctx + " is not done");
  }

  /** One exchange: the link between the context, the JDK's future and the body subscriber. */
  private static final class Exchange<T> {
    private final Context ctx;
    private final CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
    private volatile CompletableFuture<HttpResponse<T>> sent;
    private volatile AbortableBody<T> body;
    private volatile Registration registration;
    private volatile boolean ended;

    Exchange(Context ctx) {
      this.ctx = ctx;
    }

    HttpResponse.BodyHandler<T> wrap(HttpResponse.BodyHandler<T> handler) {
      return info -> {
        AbortableBody<T> b = new AbortableBody<>(handler.apply(info), this::end);
        body = b;
        if (ctx.isDone()) {
          b.abort(contextError(ctx, null));
        }
        return b;
      };
    }

    CompletableFuture<HttpResponse<T>> start(CompletableFuture<HttpResponse<T>> sent) {
      this.sent = sent;
      Registration r = ctx.afterDone(this::abort);
      registration = r;
      if (ended) {
        r.stop();
      }
      sent.whenComplete((response, failure) -> {
        if (failure == null) {
          result.complete(response);
          return;
        }
        end(); // no body will come
        Throwable f = failure instanceof CompletionException ? failure.getCause() : failure;
        if (ctx.isDone()) {
          result.completeExceptionally(contextError(ctx, f));
        } else if (f instanceof HttpTimeoutException && dueWithinSlack(ctx)) {
          // The request timeout and the context's deadline are the same instant on two
          // clocks: report it as the context's, once its timer has fired.
          ctx.afterDone(() -> result.completeExceptionally(contextError(ctx, f)));
        } else {
          result.completeExceptionally(f);
        }
      });
      result.whenComplete((response, failure) -> {
        if (result.isCancelled()) {
          abort();
        }
      });
      return result;
    }

    /** Aborts the exchange: the future if it is pending, else the body. */
    private void abort() {
      CompletableFuture<HttpResponse<T>> s = sent;
      if (s != null) {
        s.cancel(true);
      }
      AbortableBody<T> b = body;
      if (b != null) {
        b.abort(
            ctx.isDone()
                ? contextError(ctx, null)
                : new CancellationException("the response future was cancelled"));
      }
    }

    /** The body ended (or none will come): drop the registration on the context. */
    private void end() {
      ended = true;
      Registration r = registration;
      if (r != null) {
        r.stop();
      }
    }

    private static boolean dueWithinSlack(Context ctx) {
      return ctx.deadline()
          .map(d -> Duration.between(Instant.now(), d).compareTo(SLACK) <= 0)
          .orElse(false);
    }
  }

  /**
   * How close to the context's deadline a request timeout counts as that deadline: the two timers
   * are set from different clocks.
   */
  static final Duration SLACK = Duration.ofMillis(20);
}
