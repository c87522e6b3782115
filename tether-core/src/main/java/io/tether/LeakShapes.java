package io.tether;

import java.util.Objects;
import java.util.Optional;

/**
 * The one diagnosis of a leak's shape from a Tether wait, and its fix: shared by the test-time leak
 * check ({@code tether-junit}) and the production watchdog ({@code tether-observe}), so both name a
 * leak and its fix in the same words. An SPI for those tools; application code does not need it.
 *
 * <p>It lives in the core, not in a module of its own, because the core is what names the waits
 * ({@code chan send}, {@code chan receive}, {@code select}, {@code ctx.await}): what each wait
 * means is the core's knowledge, it needs no dependency, and both tools already require the core. A
 * separate module would add an artifact for one file.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * LeakShapes.Shape s = LeakShapes.ofWait("chan receive", "Channel[jobs, unbuffered, open]")
 *     .orElse(LeakShapes.Shape.UNKNOWN);                       // RECEIVE_BLOCKED
 * String fix = LeakShapes.waitFix(s, "chan receive", "Channel[jobs, unbuffered, open]");
 * // nobody sends to or closes Channel[jobs, unbuffered, open]: close the channel from the ...
 * }</pre>
 */
public final class LeakShapes {
  private LeakShapes() {}

  /**
   * A leak's shape, each with its general fix. The first five are the shapes goroutine leaks take
   * in Go, and virtual-thread leaks in Java; {@link #UNKNOWN} is anything else.
   */
  public enum Shape {
    /** Parked sending on a channel or queue that nobody reads any more. */
    SEND_BLOCKED(
        "buffer the channel by the number of senders, or send in a select with ctx.onDone(...)"),
    /** Parked receiving from a channel or queue that nobody sends to or closes. */
    RECEIVE_BLOCKED(
        "close the channel from the sending side when done, or receive with a context"
            + " (receive(ctx))"),
    /** Runnable for a whole look without ever parking: a loop with no way out. */
    BUSY_LOOP("check ctx.isDone() (or the interrupt status) in the loop and return when it is set"),
    /** Blocked on a lock or monitor that another thread holds and does not release. */
    LOCK_WAIT("do not hold a lock across blocking work; release it in finally"),
    /** A ticker or a periodic scheduled task that nobody stopped. */
    TICKER_NOT_STOPPED("stop it: open it with try-with-resources, or shutdown() the executor"),
    /** None of the shapes above: see the description and the stack. */
    UNKNOWN(
        "make its owner cancel and join it before the test ends (try-with-resources on a Scope)");

    private final String fix;

    Shape(String fix) {
      this.fix = fix;
    }

    /** The fix, in one line. */
    public String fix() {
      return fix;
    }
  }

  /**
   * The shape of a Tether wait: {@code chan send} is {@link Shape#SEND_BLOCKED}, {@code chan
   * receive} {@link Shape#RECEIVE_BLOCKED}, a {@code select} whose clauses (its target text) only
   * send or only receive the same; empty for any other wait, or a select that does both.
   *
   * @param reason the wait's reason ({@link TaskInfo#waitReason()}); null gives empty
   * @param target the wait's target text ({@link TaskInfo#waitTarget()}), or null
   */
  public static Optional<Shape> ofWait(String reason, String target) {
    if (reason == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        switch (reason) {
          case "chan send" -> Shape.SEND_BLOCKED;
          case "chan receive" -> Shape.RECEIVE_BLOCKED;
          case "select" -> {
            boolean sends = target != null && target.contains("send on ");
            boolean receives = target != null && target.contains("receive on ");
            yield sends && !receives
                ? Shape.SEND_BLOCKED
                : receives && !sends ? Shape.RECEIVE_BLOCKED : null;
          }
          default -> null;
        });
  }

  /**
   * The fix for a task parked in the Tether wait {@code reason} on {@code target}, naming the
   * channel: {@code nobody receives from Channel[jobs, unbuffered, open] any more: buffer the
   * channel ...}. For {@code ctx.await} on a context that can never be done, says to wait on one
   * that is cancelled. Otherwise the shape's general fix.
   *
   * @throws NullPointerException if {@code shape} or {@code reason} is null
   */
  public static String waitFix(Shape shape, String reason, String target) {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(reason, "reason");
    return switch (shape) {
      case SEND_BLOCKED ->
          "nobody receives from " + channelOf(target) + " any more: " + Shape.SEND_BLOCKED.fix();
      case RECEIVE_BLOCKED ->
          "nobody sends to or closes " + channelOf(target) + ": " + Shape.RECEIVE_BLOCKED.fix();
      default ->
          reason.equals("ctx.await")
              ? "nothing can cancel "
                  + (target == null ? "the context" : target)
                  + ", so only an interrupt ends this await: await a context its owner cancels"
                  + " (the task's own ctx, or one made withCancel/withTimeout), or use"
                  + " await(Duration)"
              : shape.fix();
    };
  }

  /**
   * {@code Channel[jobs, unbuffered, open]} as it is; a select's clauses as "the channels of ...".
   */
  private static String channelOf(String target) {
    if (target == null) {
      return "the channel";
    }
    return target.startsWith("Channel[") || target.startsWith("a Tether")
        ? target
        : "the channels of " + target;
  }
}
