package io.tether.grpc;

import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.tether.CancellableContext;
import io.tether.Context;
import io.tether.Scope;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Gives each gRPC server call a Tether {@link Context}: the call's deadline (from the client's
 * {@code grpc-timeout}), cancelled when the call ends. Go's gRPC handler {@code ctx}, for
 * grpc-java.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * ServerContexts contexts = ServerContexts.create(appCtx)   // appCtx: the server's lifetime
 *     .maximum(Duration.ofSeconds(10))                       // no call's context lives longer
 *     .floor(Duration.ofMillis(20));                         // less left: DEADLINE_EXCEEDED at once
 * Server server = contexts.install(ServerBuilder.forPort(8080).addService(new Shop())).build();
 *
 * class Shop extends ShopServiceGrpc.ShopServiceImplBase {
 *   public void place(Order order, StreamObserver<Receipt> out) {
 *     Context ctx = ServerContexts.current();                 // the one accessor
 *     try (Scope scope = Scope.open(ctx, "place")) {          // "grpc/shop.ShopService/Place"/place
 *       Task<Price> price = scope.spawn("price", c -> prices.get(c, order));
 *       Task<Stock> stock = scope.spawn("stock", c -> ClientContexts.under(c, inventory).check(order));
 *       scope.join();
 *       out.onNext(receipt(price.resultNow(), stock.resultNow()));
 *       out.onCompleted();
 *     } catch (Exception e) { out.onError(Status.fromThrowable(e).asException()); }
 *   }
 * }
 * }</pre>
 *
 * <h2>What the call's context carries</h2>
 *
 * <ul>
 *   <li><b>Deadline</b>: the call's deadline, if the client sent one, measured on this server's
 *       monotonic clock from when the call arrived (gRPC sends the remaining time, not a clock
 *       reading). Never later than the root's deadline, nor than the {@link #maximum}.
 *   <li><b>Cancellation</b>: the context is cancelled when the call ends, for any reason, with a
 *       {@link CallEndedException} as its {@link Context#cause() cause} that says which: {@code
 *       CLIENT_CANCELLED}, {@code DISCONNECTED}, {@code FAILED}, or {@code COMPLETED} once the
 *       server finished the call (so nothing started for the call outlives it). A deadline (the
 *       server's, or the client's reset at it) ends it through its own timer, with a {@link
 *       io.tether.DeadlineExceededException}. It is also cancelled when the root is.
 *   <li><b>Owner</b>: the context belongs to a scope named {@code grpc/<full method name>}, so a
 *       scope opened on it shows in {@link io.tether.Tasks#snapshot()} under {@code
 *       "grpc/shop.ShopService/Place"/...} (a name with a slash is one quoted path segment).
 *   <li><b>Not carried</b>: gRPC metadata, and values of the root other than by inheritance.
 *       Cancelling the Tether context (or its root) does not cancel the gRPC call: the handler
 *       decides what to answer.
 * </ul>
 *
 * <h2>Cancellation and exit</h2>
 *
 * The context is cancelled on the transport thread that learns of the end, at once: a handler
 * blocked in {@code scope.join()} wakes, and tasks under it are interrupted. The handler's own
 * thread (gRPC's executor) is not a Tether task and is not interrupted: it should wait through
 * Tether waits on the context. The call's scope owns no task and is closed when gRPC delivers
 * {@code onComplete} or {@code onCancel}; scopes the handler opened are the handler's to close.
 * Nothing here owns a thread or a timer beyond the context's deadline, which ends with the call.
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions of the transport before it reports the end of a call happen-before actions after
 * observing the call's context done (the context's own guarantee, see {@link Context}).
 *
 * <h2>Installation</h2>
 *
 * The interceptor and the stream tracer work as a pair: the tracer sees the status the stream ended
 * with (gRPC shows the interceptor only "cancelled"), and the interceptor makes the context. Use
 * {@link #install}, after your other interceptors, so that theirs run inside this one and see
 * {@link #current()}. An interceptor installed without its tracer fails each call with {@code
 * INTERNAL} and a message saying so.
 */
public final class ServerContexts {

  /**
   * How close to its deadline a client's reset counts as the deadline rather than a cancel: a
   * client whose deadline passes resets the stream just as one that cancels, and its clock ran a
   * few transit times ahead of ours.
   */
  public static final Duration DEADLINE_SLACK = Duration.ofMillis(20);

  private static final io.grpc.Context.Key<CallState> STATE =
      io.grpc.Context.key("tether-grpc-call");

  private static final io.grpc.Context.Key<Context> CONTEXT =
      io.grpc.Context.key("tether-grpc-context");

  private final Context root;
  private final Duration maximum; // null: none
  private final Duration floor; // null: none
  private final Interceptor interceptor = new Interceptor();
  private final Tracers tracers = new Tracers();

  private ServerContexts(Context root, Duration maximum, Duration floor) {
    this.root = root;
    this.maximum = maximum;
    this.floor = floor;
  }

  /** Call contexts derived from {@link Context#background()}. */
  public static ServerContexts create() {
    return new ServerContexts(Context.background(), null, null);
  }

  /**
   * Call contexts derived from {@code root}: cancelling it (the server is stopping) cancels every
   * call's context, and its values are visible in each.
   *
   * @throws NullPointerException if {@code root} is null
   */
  public static ServerContexts create(Context root) {
    return new ServerContexts(Objects.requireNonNull(root, "root"), null, null);
  }

  /**
   * The same, but no call's context gets a deadline later than {@code maximum} from its arrival: a
   * call without a deadline gets this one, a longer one is cut to it. The gRPC call itself keeps
   * the client's deadline; only the Tether context is capped.
   *
   * @throws IllegalArgumentException if {@code maximum} is zero or negative
   */
  public ServerContexts maximum(Duration maximum) {
    return new ServerContexts(root, positive(maximum, "maximum"), floor);
  }

  /**
   * The same, but a call that arrives with less than {@code floor} of its deadline left is refused
   * at once with {@code DEADLINE_EXCEEDED}, before any interceptor after this one or the handler
   * runs: work that cannot finish is not started. Calls without a deadline are never refused.
   *
   * @throws IllegalArgumentException if {@code floor} is zero or negative
   */
  public ServerContexts floor(Duration floor) {
    return new ServerContexts(root, maximum, positive(floor, "floor"));
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " " + d + " is not positive");
    }
    return d;
  }

  /**
   * Adds the stream tracer and the interceptor to {@code builder}; call it after adding your own
   * interceptors (gRPC runs the last added first).
   *
   * @return {@code builder}
   */
  public <B extends ServerBuilder<?>> B install(B builder) {
    Objects.requireNonNull(builder, "builder");
    builder.addStreamTracerFactory(tracers);
    builder.intercept(interceptor);
    return builder; // gRPC's builders return themselves
  }

  /**
   * The interceptor, for frameworks that take interceptors one by one; it needs {@link #tracer}.
   */
  public ServerInterceptor interceptor() {
    return interceptor;
  }

  /** The stream tracer factory that the {@link #interceptor()} needs. */
  public ServerStreamTracer.Factory tracer() {
    return tracers;
  }

  /**
   * The Tether context of the gRPC call this thread is handling: valid inside a service method and
   * in the call's listener callbacks, on the thread gRPC called them on. Pass it on to other
   * threads; do not call this from them.
   *
   * @throws IllegalStateException if this thread is not running a call through {@link
   *     ServerContexts} (not installed on the server, or called off the handler's thread)
   */
  public static Context current() {
    Context ctx = CONTEXT.get();
    if (ctx == null) {
      throw new IllegalStateException(
          "no Tether context on thread '"
              + Thread.currentThread().getName()
              + "': it is not handling a gRPC call through ServerContexts. Install it with"
              + " ServerContexts.create().install(serverBuilder), and call current() on the"
              + " thread gRPC runs the handler on, then pass the context along");
    }
    return ctx;
  }

  @Override
  public String toString() {
    return "ServerContexts[root "
        + root
        + ", maximum "
        + (maximum == null ? "none" : maximum)
        + ", floor "
        + (floor == null ? "none" : floor)
        + "]";
  }

  // ---- the pair ----

  /** Makes one {@link CallState} per stream and hands it to the interceptor in the gRPC context. */
  private static final class Tracers extends ServerStreamTracer.Factory {
    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
      CallState state = new CallState(fullMethodName);
      return new ServerStreamTracer() {
        @Override
        public io.grpc.Context filterContext(io.grpc.Context context) {
          return context.withValue(STATE, state);
        }

        @Override
        public void streamClosed(Status status) {
          state.streamClosed(status);
        }
      };
    }
  }

  private final class Interceptor implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      io.grpc.Context grpc = io.grpc.Context.current();
      CallState state = STATE.get(grpc);
      if (state == null) {
        call.close(
            Status.INTERNAL.withDescription(
                "Tether ServerContexts interceptor installed without its stream tracer: use"
                    + " ServerContexts.install(serverBuilder), or add tracer() too"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
      Deadline deadline = grpc.getDeadline();
      Duration left =
          deadline == null ? null : Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS));
      if (left != null && floor != null && left.compareTo(floor) < 0) {
        call.close(
            Status.DEADLINE_EXCEEDED.withDescription(
                "call "
                    + call.getMethodDescriptor().getFullMethodName()
                    + " arrived with "
                    + left.toMillis()
                    + " ms of its deadline left, below this server's floor of "
                    + floor.toMillis()
                    + " ms; refused without starting"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
      if (maximum != null && (left == null || left.compareTo(maximum) > 0)) {
        left = maximum;
      }
      CancellableContext callCtx = left == null ? root.withCancel() : root.withTimeout(left);
      Scope scope;
      try {
        scope = Scope.open(callCtx, "grpc/" + call.getMethodDescriptor().getFullMethodName());
      } catch (RuntimeException | Error e) {
        callCtx.cancel();
        throw e;
      }
      state.attach(callCtx, scope, deadline);
      ServerCall.Listener<Q> inner;
      try {
        inner =
            Contexts.interceptCall(grpc.withValue(CONTEXT, scope.context()), call, headers, next);
      } catch (RuntimeException | Error e) {
        state.finish(false);
        throw e;
      }
      return new EndingListener<>(inner, state);
    }
  }

  /** Ends the call's context and closes its scope when gRPC says the call is over. */
  private static final class EndingListener<Q>
      extends io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final CallState state;

    EndingListener(ServerCall.Listener<Q> delegate, CallState state) {
      super(delegate);
      this.state = state;
    }

    @Override
    public void onComplete() {
      try {
        super.onComplete();
      } finally {
        state.finish(true);
      }
    }

    @Override
    public void onCancel() {
      try {
        super.onCancel();
      } finally {
        state.finish(false);
      }
    }
  }
}
