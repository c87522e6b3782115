package io.tether.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import io.tether.CancellableContext;
import io.tether.Context;
import io.tether.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A filter for the JDK's built-in HTTP server ({@code com.sun.net.httpserver}) that gives each
 * request a Tether {@link Context}: its deadline from the client's budget header, cancelled when
 * the response is complete or the client is seen to be gone.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * HttpContext orders = server.createContext("/orders", exchange -> {
 *   Context ctx = ContextFilter.context(exchange);          // the one accessor
 *   try (Scope scope = Scope.open(ctx, "order")) {          // "http/GET /orders"/order
 *     ...
 *   }
 * });
 * orders.getFilters().add(new ContextFilter(RequestBudget.defaults().maximum(Duration.ofSeconds(10))));
 * }</pre>
 *
 * <h2>What the request's context carries</h2>
 *
 * <ul>
 *   <li><b>Deadline</b>: the budget from the {@link RequestBudget#header() header}, measured from
 *       when the request reached this filter, capped by the {@link RequestBudget#maximum maximum};
 *       none if neither applies. A budget below the {@link RequestBudget#floor floor} is refused
 *       with {@code 504 Gateway Timeout} before the handler runs.
 *   <li><b>Cancellation</b>, with a {@link RequestEndedException} as the cause: {@code COMPLETED}
 *       once the handler closes the exchange or returns, {@code CLIENT_GONE} once writing the
 *       response (headers or body) fails. Also when the deadline passes, or the root is cancelled.
 *   <li><b>Owner</b>: the context belongs to a scope named {@code http/<method> <path>}, so scopes
 *       opened on it show under {@code "http/GET /orders"/...} (a name with a slash is one quoted
 *       path segment) in {@link io.tether.Tasks#snapshot()}.
 * </ul>
 *
 * <h2>What it cannot see</h2>
 *
 * The JDK's server does not watch a connection while a handler runs: a client that hangs up is
 * noticed only when the handler next writes to it (a write fails, usually after the socket's
 * buffers fill). A handler that works long before writing does not learn the client is gone; the
 * deadline still ends it. Streaming handlers that write as they go notice at their next write.
 *
 * <h2>Cancellation and exit</h2>
 *
 * The context lives from {@code doFilter} until the handler closes the exchange or returns,
 * whichever is first; a handler that hands the exchange to another thread and returns ends the
 * context early (pass it a context of its own). The request's scope owns no task and is closed when
 * the handler returns; scopes the handler opens are its own to close. Cancelling does not interrupt
 * the handler's thread (the server's, not a Tether task): wait through Tether waits on the context.
 *
 * <h2>The exchange</h2>
 *
 * The handler gets a wrapper of the server's exchange (the JDK keeps exchange attributes per {@code
 * HttpContext}, shared by all requests, so they cannot carry per-request state). {@link
 * #context(HttpExchange)} needs that wrapper: add this filter last, or make sure later filters pass
 * the exchange on unchanged. An {@code HttpsExchange} stays one.
 */
public final class ContextFilter extends Filter {
  private final RequestBudget budget;

  /** With {@link RequestBudget#defaults()}. */
  public ContextFilter() {
    this(RequestBudget.defaults());
  }

  /** With {@code budget}'s header, root, maximum and floor. */
  public ContextFilter(RequestBudget budget) {
    this.budget = Objects.requireNonNull(budget, "budget");
  }

  /**
   * The Tether context of the request {@code exchange} stands for.
   *
   * @throws IllegalStateException if the exchange did not come through a {@link ContextFilter}
   */
  public static Context context(HttpExchange exchange) {
    Objects.requireNonNull(exchange, "exchange");
    if (exchange instanceof Tracked t) {
      return t.state().context();
    }
    throw new IllegalStateException(
        "exchange "
            + exchange.getRequestMethod()
            + " "
            + exchange.getRequestURI()
            + " did not pass through a ContextFilter: add new ContextFilter(...) to the"
            + " HttpContext's filters, after any filter that replaces the exchange");
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
    Duration granted = budget.budget(exchange.getRequestHeaders().getFirst(budget.header()));
    if (budget.refuses(granted)) {
      refuse(exchange, request, granted);
      return;
    }
    Context root = budget.root();
    CancellableContext ctx = granted == null ? root.withCancel() : root.withTimeout(granted);
    Scope scope;
    try {
      scope = Scope.open(ctx, "http/" + request);
    } catch (RuntimeException | Error e) {
      ctx.cancel();
      throw e;
    }
    RequestState state = new RequestState(request, ctx, scope);
    HttpExchange tracked =
        exchange instanceof HttpsExchange https
            ? new ContextHttpsExchange(https, state)
            : new ContextExchange(exchange, state);
    try {
      chain.doFilter(tracked);
    } finally {
      state.end();
    }
  }

  private void refuse(HttpExchange exchange, String request, Duration granted) throws IOException {
    byte[] body =
        ("request "
                + request
                + ": budget of "
                + granted.toMillis()
                + " ms is below this server's floor of "
                + budget.floorValue().toMillis()
                + " ms; refused without starting\n")
            .getBytes(StandardCharsets.UTF_8);
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(504, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public String description() {
    return "Tether request contexts (" + budget + ")";
  }

  @Override
  public String toString() {
    return "ContextFilter[" + budget + "]";
  }
}
