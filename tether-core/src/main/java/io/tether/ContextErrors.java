package io.tether;

import java.util.concurrent.CancellationException;

/**
 * The values a context holds once done, and the stackless exceptions behind {@link Context#err()}.
 *
 * <p>Why stackless: a request-scoped context is created and cancelled on every request, and filling
 * in a stack trace would cost more than the rest of the cancel. The messages are built on demand
 * for the same reason.
 */
final class ContextErrors {
  private ContextErrors() {}

  /**
   * What a context holds once done: {@code err()} is what {@link Context#err()} returns; {@code
   * cause()} the cause given to cancel, or null (then {@link Context#cause()} is {@code err}).
   * Children cancelled by a parent share the parent's instance. The exception is its own done
   * state, so a cancel allocates one object.
   */
  sealed interface Done permits Cancelled, Deadline, Ended {
    /** Every implementation is itself the error. */
    default CancellationException err() {
      return (CancellationException) this;
    }

    Throwable cause();

    default Throwable causeOrErr() {
      Throwable c = cause();
      return c != null ? c : err();
    }

    default boolean deadlineExceeded() {
      return this instanceof Deadline;
    }
  }

  /** The done state of every task context whose task has ended; shared, as it names no context. */
  static final Done TASK_ENDED = new Ended();

  static Done cancelled(AbstractContext ctx, Throwable cause) {
    return new Cancelled(ctx, cause);
  }

  static Done deadlineExceeded(CancelNode ctx) {
    return new Deadline(ctx);
  }

  /** err() after a plain cancel. */
  static final class Cancelled extends CancellationException implements Done {
    private final transient AbstractContext context;

    Cancelled(AbstractContext context, Throwable cause) {
      super(null);
      this.context = context;
      initCause(cause); // also when null: fixes the cause, so nobody can set one later
    }

    @Override
    public Throwable cause() {
      return getCause();
    }

    @Override
    public String getMessage() {
      Throwable cause = getCause();
      return "context "
          + context.lineage()
          + " was cancelled"
          + (cause == null ? "" : ": " + cause);
    }

    @Override
    public Throwable fillInStackTrace() {
      return this;
    }
  }

  /** err() of a task's own context once the task has ended. Shared: carries no context. */
  static final class Ended extends CancellationException implements Done {
    Ended() {
      super("the task that owned this context has ended");
      initCause(null);
    }

    @Override
    public Throwable cause() {
      return null;
    }

    @Override
    public Throwable fillInStackTrace() {
      return this;
    }
  }

  /** err() after a deadline passed. */
  static final class Deadline extends DeadlineExceededException implements Done {
    private final transient CancelNode context;

    Deadline(CancelNode context) {
      super(null);
      this.context = context;
      initCause(null); // fixes the cause as none
    }

    @Override
    public Throwable cause() {
      return null;
    }

    @Override
    public String getMessage() {
      return "context " + context.lineage() + ": deadline " + context.ownDeadline() + " exceeded";
    }

    @Override
    public Throwable fillInStackTrace() {
      return this;
    }
  }
}
