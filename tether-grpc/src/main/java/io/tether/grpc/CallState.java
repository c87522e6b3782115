package io.tether.grpc;

import io.grpc.Deadline;
import io.grpc.Status;
import io.tether.CancellableContext;
import io.tether.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * One server call, seen from two sides: the stream tracer reports how the stream ended (on a
 * transport thread), the interceptor attaches the call's context and scope (on the call executor).
 * Either may come first; the context is cancelled by whichever sees both.
 */
final class CallState {
  private final String method;
  private final long startNanos = System.nanoTime();

  // All guarded by this. Each is set once: ended by streamClosed, the rest by attach.
  private Status ended;
  private CancellableContext ctx;
  private Scope scope;
  private Deadline deadline;
  private boolean timerTracksDeadline;
  private boolean finished;

  CallState(String method) {
    this.method = method;
  }

  /** From the tracer: the stream ended with {@code status}. */
  void streamClosed(Status status) {
    CancellableContext c;
    synchronized (this) {
      if (ended != null) {
        return;
      }
      ended = status;
      c = ctx;
    }
    if (c != null) {
      end(c, status);
    }
  }

  /** From the interceptor, once: the call's context and scope exist. */
  void attach(CancellableContext ctx, Scope scope, Deadline deadline) {
    boolean tracks = timerTracks(ctx, deadline);
    Status s;
    synchronized (this) {
      this.ctx = ctx;
      this.scope = scope;
      this.deadline = deadline;
      this.timerTracksDeadline = tracks;
      s = ended;
    }
    if (s != null) {
      end(ctx, s);
    }
  }

  /**
   * From the listener: gRPC delivered onComplete or onCancel, the last callback of the call.
   * Cancels the context (if the tracer has not) and closes the call's scope, which owns no task.
   */
  void finish(boolean completed) {
    CancellableContext c;
    Scope s;
    Status status;
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      c = ctx;
      s = scope;
      status = ended;
    }
    if (status == null) {
      status = completed ? Status.OK : Status.CANCELLED.withDescription("call cancelled");
    }
    if (c != null) {
      end(c, status);
    }
    if (s != null) {
      try {
        s.close();
      } catch (java.util.concurrent.CancellationException expected) {
        // The scope owns no task (it is never handed out), so the only thing its close can
        // report is the cancellation of its own context, which this method just did on purpose.
      }
    }
  }

  /**
   * Cancels {@code ctx} with the cause {@code status} stands for; but leaves a deadline to the
   * context's own timer when that timer tracks the call's deadline (gRPC's timer and the client's
   * reset come at the same instant as ours, from other clocks), so that a deadline always shows as
   * the context's {@link io.tether.DeadlineExceededException}.
   */
  private void end(CancellableContext ctx, Status status) {
    CallEndedException cause = cause(status);
    boolean tracks;
    synchronized (this) {
      tracks = timerTracksDeadline;
    }
    if (cause.reason() == CallEndedException.Reason.DEADLINE_EXCEEDED && tracks) {
      return;
    }
    ctx.cancel(cause);
  }

  /**
   * Whether the context's timer fires within {@link ServerContexts#DEADLINE_SLACK} of the call's
   * deadline. Decided once, reading both clocks back to back when the context is made: the reason
   * says "deadline" when the call's deadline is within the slack, and the context's own deadline
   * was computed a moment after the call's (later by however long that moment took on a loaded
   * machine), so comparing it to the wall clock at the end would call some deadlines cancels.
   */
  private static boolean timerTracks(CancellableContext ctx, Deadline deadline) {
    if (deadline == null || ctx.deadline().isEmpty()) {
      return false;
    }
    long callLeft = deadline.timeRemaining(TimeUnit.NANOSECONDS);
    long ctxLeft = Duration.between(Instant.now(), ctx.deadline().get()).toNanos();
    return ctxLeft - callLeft <= ServerContexts.DEADLINE_SLACK.toNanos();
  }

  private CallEndedException cause(Status status) {
    CallEndedException.Reason reason = reason(status);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    String what =
        switch (reason) {
          case COMPLETED -> "completed";
          case CLIENT_CANCELLED -> "cancelled by the client";
          case DEADLINE_EXCEEDED -> "deadline exceeded";
          case DISCONNECTED -> "connection lost (client gone)";
          case FAILED -> "stream failed";
        };
    String detail =
        status.getDescription() == null
            ? status.getCode().toString()
            : status.getCode() + ": " + status.getDescription();
    return new CallEndedException(
        method,
        reason,
        status,
        "gRPC call " + method + " " + what + " after " + ms + " ms (" + detail + ")");
  }

  private CallEndedException.Reason reason(Status status) {
    Deadline d;
    synchronized (this) {
      d = deadline;
    }
    return switch (status.getCode()) {
      case OK -> CallEndedException.Reason.COMPLETED;
      case DEADLINE_EXCEEDED -> CallEndedException.Reason.DEADLINE_EXCEEDED;
      case CANCELLED ->
          d != null
                  && d.timeRemaining(TimeUnit.NANOSECONDS)
                      <= ServerContexts.DEADLINE_SLACK.toNanos()
              ? CallEndedException.Reason.DEADLINE_EXCEEDED
              : CallEndedException.Reason.CLIENT_CANCELLED;
      case UNAVAILABLE -> CallEndedException.Reason.DISCONNECTED;
      default -> CallEndedException.Reason.FAILED;
    };
  }

  @Override
  public synchronized String toString() {
    return "gRPC call " + method + (ended == null ? " live" : " ended " + ended.getCode());
  }
}
