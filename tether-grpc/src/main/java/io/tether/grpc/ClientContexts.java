package io.tether.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Deadline;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.AbstractStub;
import io.tether.Context;
import io.tether.Registration;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Makes gRPC client calls under a Tether {@link Context}: the call's deadline is the context's
 * remaining time, and cancelling the context cancels the call. Go's {@code grpc.Invoke(ctx, ...)}.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * // in a handler: the server call's context in, client calls out
 * Context ctx = ServerContexts.current();
 * Stock s = ClientContexts.under(ctx, inventory).check(order);        // blocking stub
 * ListenableFuture<Price> p = ClientContexts.under(ctx, pricesFuture).quote(order);
 * ClientContexts.under(ctx, auditAsync).record(order, observer);     // async stub
 * }</pre>
 *
 * <h2>What is propagated</h2>
 *
 * <ul>
 *   <li><b>Deadline</b>: the context's {@link Context#deadline() deadline}, as the time remaining
 *       when the call starts (gRPC sends {@code grpc-timeout}, a duration, so the server's clock
 *       does not matter). An explicit deadline on the stub stays if it is earlier: the call ends at
 *       the earlier of the two.
 *   <li><b>Cancellation</b>: once the context is done, the call is cancelled through gRPC's own
 *       context (safe from any thread): the server sees a reset stream, and the caller gets {@code
 *       CANCELLED} (a blocking stub throws {@code StatusRuntimeException}, a future fails, an async
 *       observer gets {@code onError}) whose cause is the context's {@link Context#cause() cause}.
 *       A context that is already done when the call starts cancels it before anything is sent.
 *   <li><b>Not propagated</b>: context values, and the cause itself (the server learns only that
 *       the call was cancelled, or that its deadline passed).
 * </ul>
 *
 * <h2>Cancellation and exit</h2>
 *
 * Each call registers one {@link Context#afterDone} action from its start until it closes; the
 * registration is dropped when the call closes, so a long-lived context does not grow. A call
 * created and never started registers nothing on the Tether context; grpc-java's rule holds as
 * always (start or cancel every call). Nothing here starts a thread: the cancel runs on the virtual
 * thread of the {@code afterDone} action.
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions before the context is cancelled happen-before the call's cancellation is observed by its
 * listener (through the context's {@code afterDone} edge and gRPC's own ordering).
 */
public final class ClientContexts {
  private ClientContexts() {}

  private static final CallOptions.Key<Context> CONTEXT =
      CallOptions.Key.create("tether-grpc-client-context");

  private static final ClientInterceptor INTERCEPTOR = new Interceptor();

  /**
   * Returns {@code stub} with its calls made under {@code ctx}. Cheap (a new stub object); make one
   * per request, or per context. Calling it again on the returned stub replaces the context.
   *
   * @throws NullPointerException if an argument is null
   */
  public static <S extends AbstractStub<S>> S under(Context ctx, S stub) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(stub, "stub");
    boolean installed = stub.getCallOptions().getOption(CONTEXT) != null;
    S with = stub.withOption(CONTEXT, ctx);
    return installed ? with : with.withInterceptors(INTERCEPTOR);
  }

  /** A blocking call on a stub, as {@link #call} runs it. */
  @FunctionalInterface
  public interface BlockingCall<S, T> {
    /** Makes the call on {@code stub} and returns its result. */
    T call(S stub);
  }

  /**
   * Makes a blocking call on {@code stub} under {@code ctx}, and reports a call that ended because
   * {@code ctx} is done as Tether's cancellation rather than as a gRPC failure: it throws a new
   * exception of the type of {@code ctx.err()} (a {@link
   * java.util.concurrent.CancellationException}, a {@link io.tether.DeadlineExceededException} for
   * a deadline) with the gRPC exception suppressed. A task whose call was cut short by its scope's
   * cancel then ends {@code CANCELLED}, not {@code FAILED} (a {@code StatusRuntimeException} thrown
   * out of a task counts as a failure, even after a cancel). Every other outcome passes through
   * unchanged.
   *
   * <pre>{@code
   * scope.spawn("stock", c -> ClientContexts.call(c, inventory, s -> s.check(order)));
   * }</pre>
   *
   * <p>gRPC's deadline timer and the context's fire at the same instant from different clocks: a
   * {@code DEADLINE_EXCEEDED} that comes first, within {@link ServerContexts#DEADLINE_SLACK} of the
   * context's deadline, waits for the context's timer (at most 2 s more, a bound for a timer thread
   * that runs late on a loaded machine) before it is reported as the context's. That keeps the rule
   * of Tether's owners: a cancellation-shaped exception counts as cancelled only once the context
   * is done.
   *
   * @throws io.grpc.StatusRuntimeException if the call failed while {@code ctx} is live
   * @throws java.util.concurrent.CancellationException if it failed because {@code ctx} is done
   */
  public static <S extends AbstractStub<S>, T> T call(
      Context ctx, S stub, BlockingCall<? super S, ? extends T> call) {
    S under = under(ctx, stub);
    try {
      return call.call(under);
    } catch (io.grpc.StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.DEADLINE_EXCEEDED && !ctx.isDone()) {
        awaitDeadline(ctx);
      }
      if (ctx.isDone()
          && (code == Status.Code.CANCELLED || code == Status.Code.DEADLINE_EXCEEDED)) {
        try {
          ctx.throwIfDone();
        } catch (java.util.concurrent.CancellationException cancelled) {
          cancelled.addSuppressed(e);
          throw cancelled;
        }
      }
      throw e;
    }
  }

  /** The longest {@link #call} waits for the context's timer once gRPC's has fired. */
  private static final Duration TIMER_LAG_BOUND = Duration.ofSeconds(2);

  /** Waits for {@code ctx}'s own deadline if it is due within the slack; keeps the interrupt. */
  private static void awaitDeadline(Context ctx) {
    Optional<Instant> until = ctx.deadline();
    if (until.isEmpty()) {
      return;
    }
    long left = Interceptor.nanosUntil(until.get());
    if (left > ServerContexts.DEADLINE_SLACK.toNanos()) {
      return; // an earlier, explicit deadline: not the context's
    }
    try {
      // The context's timer fires at its deadline; on a loaded machine its thread may run late.
      // The bound only guards against a timer that never fires.
      ctx.await(Duration.ofNanos(Math.max(0, left)).plus(TIMER_LAG_BOUND));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * For code that makes calls on a {@link Channel} directly ({@code ClientCalls}, generated code
   * with custom options): {@code options} with the context to run under. The channel must carry
   * {@link #interceptor()} ({@code ClientInterceptors.intercept(channel, interceptor())}).
   */
  public static CallOptions callOptions(Context ctx, CallOptions options) {
    Objects.requireNonNull(ctx, "ctx");
    return Objects.requireNonNull(options, "options").withOption(CONTEXT, ctx);
  }

  /**
   * The interceptor behind {@link #under}: it acts on calls whose options carry a context ({@link
   * #callOptions}) and passes the others through untouched.
   */
  public static ClientInterceptor interceptor() {
    return INTERCEPTOR;
  }

  private static final class Interceptor implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      Context ctx = options.getOption(CONTEXT);
      if (ctx == null) {
        return next.newCall(method, options);
      }
      Optional<Instant> until = ctx.deadline();
      if (until.isPresent()) {
        Deadline d = Deadline.after(nanosUntil(until.get()), TimeUnit.NANOSECONDS);
        Deadline explicit = options.getDeadline();
        if (explicit == null || d.isBefore(explicit)) {
          options = options.withDeadline(d);
        }
      }
      // grpc-java's call watches the gRPC context current at its creation; cancelling that
      // context is gRPC's own way to cancel a call from another thread.
      io.grpc.Context.CancellableContext grpc = io.grpc.Context.current().withCancellation();
      io.grpc.Context previous = grpc.attach();
      ClientCall<Q, R> call;
      try {
        call = next.newCall(method, options);
      } finally {
        grpc.detach(previous);
      }
      return new UnderContext<>(call, ctx, grpc);
    }

    /** Nanoseconds from now until {@code deadline}, saturated; zero or less means passed. */
    private static long nanosUntil(Instant deadline) {
      try {
        return Duration.between(Instant.now(), deadline).toNanos();
      } catch (ArithmeticException e) {
        return deadline.isBefore(Instant.now()) ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
    }
  }

  private static final class UnderContext<Q, R>
      extends ForwardingClientCall.SimpleForwardingClientCall<Q, R> {
    private final Context ctx;
    private final io.grpc.Context.CancellableContext grpc;
    private volatile Registration registration; // set after start; stopped when the call closes

    UnderContext(ClientCall<Q, R> call, Context ctx, io.grpc.Context.CancellableContext grpc) {
      super(call);
      this.ctx = ctx;
      this.grpc = grpc;
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
      if (ctx.isDone()) {
        grpc.cancel(ctx.cause()); // the call sees its context cancelled and sends nothing
        super.start(listener, headers);
        return;
      }
      super.start(
          new ForwardingClientCallListener.SimpleForwardingClientCallListener<R>(listener) {
            @Override
            public void onClose(Status status, Metadata trailers) {
              Registration r = registration;
              if (r != null) {
                r.stop();
              }
              grpc.cancel(null); // the call is over: release gRPC's listener on its parent
              super.onClose(status, trailers);
            }
          },
          headers);
      Registration r = ctx.afterDone(() -> grpc.cancel(ctx.cause()));
      registration = r;
      if (grpc.isCancelled()) {
        r.stop(); // closed before we registered: nothing to cancel any more
      }
    }

    @Override
    public String toString() {
      return "ClientCall under " + ctx + ": " + delegate();
    }
  }
}
