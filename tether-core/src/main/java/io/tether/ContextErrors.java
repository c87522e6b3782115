package io.tether;

import java.util.concurrent.CancellationException;

/**
 * The value a context holds once done ({@link Done}), and the stackless exceptions {@link
 * Context#err()} hands out for it.
 *
 * <p>Why a done state apart from the exception: an exception is mutable ({@code addSuppressed},
 * {@code setStackTrace}), and a JDK {@code CancellationException} cannot be made otherwise. A
 * shared instance would carry one user's suppressed exceptions (try-with-resources adds them) to
 * every other user. So the done state is an immutable value, one allocation per cancel, and each
 * {@code err()} makes a fresh exception from it: equal in class, message and cause, never the same
 * object.
 *
 * <p>Why stackless: a request-scoped context is created and cancelled on every request, and filling
 * in a stack trace would cost more than the rest of the cancel. The messages are built on demand
 * for the same reason.
 */
final class ContextErrors {
  private ContextErrors() {}

  /** How a context came to be done. */
  enum Kind {
    /** {@code cancel()} or {@code cancel(cause)}. */
    CANCELLED,
    /** Its deadline passed. */
    DEADLINE,
    /** The task that owned it ended (a task's own context is released at its end). */
    ENDED
  }

  /**
   * What a context holds once done. Immutable. Children cancelled by a parent share the parent's
   * instance, so one cancellation event is one {@code Done}: identity says "the same cancellation".
   */
  static final class Done {
    final Kind kind;

    /** The context whose cancel or timer made this; null for {@link #TASK_ENDED}. */
    final AbstractContext origin;

    private final Throwable cause;

    private Done(Kind kind, AbstractContext origin, Throwable cause) {
      this.kind = kind;
      this.origin = origin;
      this.cause = cause;
    }

    /** A fresh exception for {@link Context#err()}; see the class comment. */
    CancellationException err() {
      return switch (kind) {
        case CANCELLED -> new Cancelled(origin, cause);
        case DEADLINE -> new Deadline((CancelNode) origin);
        case ENDED -> new Ended();
      };
    }

    /** The cause given to {@code cancel(cause)}, or null. */
    Throwable cause() {
      return cause;
    }

    Throwable causeOrErr() {
      return cause != null ? cause : err();
    }

    boolean deadlineExceeded() {
      return kind == Kind.DEADLINE;
    }

    /** The message of {@link #err()}, without making the exception. */
    String message() {
      return switch (kind) {
        case CANCELLED -> Cancelled.message(origin, cause);
        case DEADLINE -> Deadline.message((CancelNode) origin);
        case ENDED -> Ended.MESSAGE;
      };
    }
  }

  /** The done state of every task context whose task has ended; shared, as it names no context. */
  static final Done TASK_ENDED = new Done(Kind.ENDED, null, null);

  static Done cancelled(AbstractContext ctx, Throwable cause) {
    return new Done(Kind.CANCELLED, ctx, cause);
  }

  static Done deadlineExceeded(CancelNode ctx) {
    return new Done(Kind.DEADLINE, ctx, null);
  }

  /*
   * Why each error keeps its cause in a field of its own, fixed at construction, instead of calling
   * Throwable.initCause: initCause is synchronized, and the monitor on a fresh object was more than
   * half of making one of these in a loop on a virtual thread (a cancel of 10,000 tasks parked in
   * channel receives makes 10,000; figures in docs/benchmarks-notes.md). The JDK's contract stays:
   * getCause() says the cause, and initCause refuses, as Throwable's does once a cause is set.
   */
  private static IllegalStateException fixedCause(Throwable self, Throwable cause) {
    return new IllegalStateException(
        "cannot set the cause of a context's error to "
            + cause
            + ": it is fixed ("
            + self.getCause()
            + ")",
        self);
  }

  /** err() after a plain cancel. */
  static final class Cancelled extends CancellationException {
    private final transient AbstractContext context;
    private final Throwable cause;

    Cancelled(AbstractContext context, Throwable cause) {
      super(null);
      this.context = context;
      this.cause = cause;
    }

    @Override
    public Throwable getCause() {
      return cause;
    }

    @Override
    public Throwable initCause(Throwable cause) {
      throw fixedCause(this, cause);
    }

    static String message(AbstractContext context, Throwable cause) {
      return "context "
          + context.lineage()
          + " was cancelled"
          + (cause == null ? "" : ": " + cause);
    }

    @Override
    public String getMessage() {
      return message(context, getCause());
    }

    @Override
    public Throwable fillInStackTrace() {
      return this;
    }
  }

  /** err() of a task's own context once the task has ended. */
  static final class Ended extends CancellationException {
    static final String MESSAGE = "the task that owned this context has ended";

    Ended() {
      super(MESSAGE);
    }

    @Override
    public Throwable getCause() {
      return null;
    }

    @Override
    public Throwable initCause(Throwable cause) {
      throw fixedCause(this, cause);
    }

    @Override
    public Throwable fillInStackTrace() {
      return this;
    }
  }

  /** err() after a deadline passed. */
  static final class Deadline extends DeadlineExceededException {
    private final transient CancelNode context;

    Deadline(CancelNode context) {
      super(null);
      this.context = context;
    }

    @Override
    public Throwable getCause() {
      return null;
    }

    @Override
    public Throwable initCause(Throwable cause) {
      throw fixedCause(this, cause);
    }

    static String message(CancelNode context) {
      return "context " + context.lineage() + ": deadline " + context.ownDeadline() + " exceeded";
    }

    @Override
    public String getMessage() {
      return message(context);
    }

    @Override
    public Throwable fillInStackTrace() {
      return this;
    }
  }
}
