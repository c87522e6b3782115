package io.tether.http;

import io.tether.CancellableContext;
import io.tether.Context;
import io.tether.Scope;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A Jakarta Servlet (6.0+) filter that gives each request a Tether {@link Context}: its deadline
 * from the client's budget header, cancelled when the response is complete or the client is seen to
 * be gone. The Servlet twin of {@link ContextFilter}; tested on Jetty 12 (ee10).
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(new ContextServletFilter(budget)), "/*",
 *     EnumSet.of(DispatcherType.REQUEST));
 *
 * protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
 *   Context ctx = ContextServletFilter.context(req);        // the one accessor
 *   try (Scope scope = Scope.open(ctx, "report")) { ... }   // "http/GET /report"/report
 * }
 * }</pre>
 *
 * <h2>What the request's context carries</h2>
 *
 * The same as {@link ContextFilter}'s: the deadline from the {@link RequestBudget#header() header}
 * capped by the {@link RequestBudget#maximum maximum}; {@code 504} before the servlet runs when the
 * budget is below the {@link RequestBudget#floor floor}; cancelled with a {@link
 * RequestEndedException} {@code COMPLETED} when the filter chain returns (for an async request:
 * when the async cycle completes or times out), {@code CLIENT_GONE} when a write or flush of the
 * response fails or the container reports an async I/O error; owned by a scope named {@code
 * http/<method> <path>}.
 *
 * <h2>What it cannot see</h2>
 *
 * The Servlet API has no "client gone" event for a request being handled. Over HTTP/1.1 a container
 * notices a closed connection only when it next reads or writes it, so a servlet that computes long
 * before writing learns of it from its deadline only. A {@code PrintWriter} never throws: its
 * failures are seen at {@code flush()} (through {@code checkError()}).
 *
 * <h2>Cancellation and exit</h2>
 *
 * Cancelling does not interrupt the container's thread; wait through Tether waits on the context.
 * The request's scope owns no task and is closed when the request ends (as above); scopes the
 * servlet opens are its own to close.
 */
public final class ContextServletFilter implements Filter {
  /** The request attribute that holds the request's context. */
  public static final String ATTRIBUTE = "io.tether.Context";

  private final RequestBudget budget;

  /** With {@link RequestBudget#defaults()}. */
  public ContextServletFilter() {
    this(RequestBudget.defaults());
  }

  /** With {@code budget}'s header, root, maximum and floor. */
  public ContextServletFilter(RequestBudget budget) {
    this.budget = Objects.requireNonNull(budget, "budget");
  }

  /**
   * The Tether context of {@code request}.
   *
   * @throws IllegalStateException if the request did not pass through a {@link
   *     ContextServletFilter}
   */
  public static Context context(ServletRequest request) {
    Objects.requireNonNull(request, "request");
    if (request.getAttribute(ATTRIBUTE) instanceof Context ctx) {
      return ctx;
    }
    throw new IllegalStateException(
        "request "
            + request
            + " did not pass through a ContextServletFilter: map it in front of this servlet");
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(resp instanceof HttpServletResponse response)
        || req.getAttribute(ATTRIBUTE) != null) {
      chain.doFilter(req, resp); // not HTTP, or a dispatch of a request we already track
      return;
    }
    String line = request.getMethod() + " " + request.getRequestURI();
    Duration granted = budget.budget(request.getHeader(budget.header()));
    if (budget.refuses(granted)) {
      response.setStatus(504);
      response.setContentType("text/plain;charset=utf-8");
      response
          .getOutputStream()
          .write(
              ("request "
                      + line
                      + ": budget of "
                      + granted.toMillis()
                      + " ms is below this server's floor of "
                      + budget.floorValue().toMillis()
                      + " ms; refused without starting\n")
                  .getBytes(StandardCharsets.UTF_8));
      return;
    }
    Context root = budget.root();
    CancellableContext ctx = granted == null ? root.withCancel() : root.withTimeout(granted);
    Scope scope;
    try {
      scope = Scope.open(ctx, "http/" + line);
    } catch (RuntimeException | Error e) {
      ctx.cancel();
      throw e;
    }
    RequestState state = new RequestState(line, ctx, scope);
    request.setAttribute(ATTRIBUTE, state.context());
    boolean async = false;
    try {
      chain.doFilter(request, new Watched(response, state));
      if (request.isAsyncStarted()) {
        request.getAsyncContext().addListener(new Ender(state));
        async = true;
      }
    } finally {
      if (!async) {
        state.end();
      }
    }
  }

  @Override
  public String toString() {
    return "ContextServletFilter[" + budget + "]";
  }

  /** Ends an async request's context with its async cycle. */
  private record Ender(RequestState state) implements AsyncListener {
    @Override
    public void onComplete(AsyncEvent event) {
      state.end();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      state.end();
    }

    @Override
    public void onError(AsyncEvent event) {
      Throwable t = event.getThrowable();
      state.clientGone(t instanceof IOException io ? io : new IOException(t));
      state.end();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this); // a new cycle: keep listening
    }
  }

  /** The response as the servlet sees it: failed writes and flushes mean the client is gone. */
  private static final class Watched extends HttpServletResponseWrapper {
    private final RequestState state;
    private ServletOutputStream out; // guarded by this
    private PrintWriter writer; // guarded by this

    Watched(HttpServletResponse response, RequestState state) {
      super(response);
      this.state = state;
    }

    @Override
    public synchronized ServletOutputStream getOutputStream() throws IOException {
      if (out == null) {
        out = new WatchedStream(super.getOutputStream(), state);
      }
      return out;
    }

    @Override
    public synchronized PrintWriter getWriter() throws IOException {
      if (writer == null) {
        PrintWriter inner = super.getWriter();
        writer =
            new PrintWriter(inner) {
              @Override
              public void flush() {
                super.flush();
                if (inner.checkError()) {
                  state.clientGone(new IOException("writing the response failed"));
                }
              }
            };
      }
      return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
      try {
        super.flushBuffer();
      } catch (IOException e) {
        state.clientGone(e);
        throw e;
      }
    }
  }

  private static final class WatchedStream extends ServletOutputStream {
    private final ServletOutputStream out;
    private final RequestState state;

    WatchedStream(ServletOutputStream out, RequestState state) {
      this.out = out;
      this.state = state;
    }

    @Override
    public boolean isReady() {
      return out.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      out.setWriteListener(listener);
    }

    @Override
    public void write(int b) throws IOException {
      state.write(() -> out.write(b));
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      state.write(() -> out.write(b, off, len));
    }

    @Override
    public void flush() throws IOException {
      state.write(() -> out.flush());
    }

    @Override
    public void close() throws IOException {
      state.write(() -> out.close());
    }
  }
}
