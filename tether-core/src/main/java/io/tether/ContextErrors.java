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
   * What a context holds once done: {@code err} is what {@link Context#err()} returns; {@code
   * cause} is the cause given to cancel, or null (then {@link Context#cause()} is {@code err}).
   * Children cancelled by a parent share the parent's instance.
   */
  record Done(CancellationException err, Throwable cause) {
    Throwable causeOrErr() {
      return cause != null ? cause : err;
    }

    boolean deadlineExceeded() {
      return err instanceof DeadlineExceededException;
    }
  }

  static Done cancelled(AbstractContext ctx, Throwable cause) {
    return new Done(new Cancelled(ctx, cause), cause);
  }

  static Done deadlineExceeded(CancelNode ctx) {
    return new Done(new Deadline(ctx), null);
  }

  /** err() after a plain cancel. */
  static final class Cancelled extends CancellationException {
    private final transient AbstractContext context;

    Cancelled(AbstractContext context, Throwable cause) {
      super(null);
      this.context = context;
      if (cause != null) {
        initCause(cause);
      }
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

  /** err() after a deadline passed. */
  static final class Deadline extends DeadlineExceededException {
    private final transient CancelNode context;

    Deadline(CancelNode context) {
      super(null);
      this.context = context;
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
