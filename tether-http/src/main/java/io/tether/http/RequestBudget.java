package io.tether.http;

import io.tether.Context;
import java.time.Duration;
import java.util.Objects;

/**
 * How a server turns a request's budget header into the request's deadline: which header, the
 * context requests derive from, the most it grants, and the least it accepts. Immutable: each
 * method returns a new value.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * RequestBudget budget = RequestBudget.defaults()
 *     .root(appCtx)                          // requests end when the app stops
 *     .maximum(Duration.ofSeconds(10))       // no request runs longer, whatever the client says
 *     .floor(Duration.ofMillis(20));         // less than this left: 504 at once
 * server.createContext("/orders", orders).getFilters().add(new ContextFilter(budget));
 * }</pre>
 *
 * <h2>The header</h2>
 *
 * {@value #DEFAULT_HEADER} (configurable with {@link #header}) holds the client's remaining budget
 * as a whole number of milliseconds, in ASCII digits: {@code Tether-Timeout-Ms: 250}. No standard
 * exists for this; like gRPC's {@code grpc-timeout} and Envoy's {@code
 * x-envoy-expected-rq-timeout-ms} it sends a duration rather than a time of day, because clocks
 * differ between machines. The server measures it from when the request reached the filter, so the
 * time the request spent in transit is not subtracted (as in gRPC).
 *
 * <h2>Bad input</h2>
 *
 * The header comes from the network: a value that is not 1 to 18 ASCII digits (negative, a
 * fraction, hex, empty, spaces inside) is ignored, as if absent; a value of 19 digits or more is
 * taken as "very long" and capped by the {@link #maximum}. Neither ever throws in the server.
 * Arguments of these methods are checked: null throws {@link NullPointerException}, a negative or
 * zero duration {@link IllegalArgumentException}.
 */
public final class RequestBudget {
  /** The header's default name. */
  public static final String DEFAULT_HEADER = "Tether-Timeout-Ms";

  private static final RequestBudget DEFAULTS =
      new RequestBudget(DEFAULT_HEADER, Context.background(), null, Duration.ZERO);

  private final String header;
  private final Context root;
  private final Duration maximum; // null: none
  private final Duration floor; // ZERO: off

  private RequestBudget(String header, Context root, Duration maximum, Duration floor) {
    this.header = header;
    this.root = root;
    this.maximum = maximum;
    this.floor = floor;
  }

  /**
   * The header {@value #DEFAULT_HEADER}, requests derived from {@link Context#background()}, no
   * maximum, no floor.
   */
  public static RequestBudget defaults() {
    return DEFAULTS;
  }

  /** Reads the budget from header {@code name} instead (case-insensitive, as HTTP header names). */
  public RequestBudget header(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("header name is blank; name the budget header");
    }
    return new RequestBudget(name, root, maximum, floor);
  }

  /**
   * Derives each request's context from {@code root}: cancelling it (the server is stopping)
   * cancels every request's context, and its values and deadline are inherited.
   */
  public RequestBudget root(Context root) {
    return new RequestBudget(header, Objects.requireNonNull(root, "root"), maximum, floor);
  }

  /**
   * The longest deadline any request gets: a larger budget, or none at all, is cut to it.
   *
   * @throws IllegalArgumentException if {@code maximum} is zero or negative
   */
  public RequestBudget maximum(Duration maximum) {
    return new RequestBudget(header, root, positive(maximum, "maximum"), floor);
  }

  /**
   * Refuses a request at once, without calling the handler, when its budget is below {@code floor}:
   * the JDK filter answers {@code 504 Gateway Timeout}. A request without a budget header is never
   * refused (its budget is the maximum, or unlimited).
   *
   * @throws IllegalArgumentException if {@code floor} is zero or negative
   */
  public RequestBudget floor(Duration floor) {
    return new RequestBudget(header, root, maximum, positive(floor, "floor"));
  }

  /** The header's name. */
  public String header() {
    return header;
  }

  Context root() {
    return root;
  }

  /**
   * The budget a request with header value {@code value} (null if absent) gets: the header's value
   * capped by the maximum, the maximum if the header is absent or bad, or null for unlimited.
   */
  Duration budget(String value) {
    long ms = parseMillis(value);
    if (ms == ABSENT) {
      return maximum;
    }
    if (ms == HUGE) {
      return maximum; // null if there is none: "very long" is as good as unlimited
    }
    Duration d = Duration.ofMillis(ms);
    return maximum != null && d.compareTo(maximum) > 0 ? maximum : d;
  }

  /** Whether a request with this budget is refused (below the floor). */
  boolean refuses(Duration budget) {
    return budget != null && !floor.isZero() && budget.compareTo(floor) < 0;
  }

  Duration floorValue() {
    return floor;
  }

  static final long ABSENT = -1;
  static final long HUGE = -2;

  /** Milliseconds in {@code value}: 1 to 18 ASCII digits; else ABSENT, or HUGE for 19+ digits. */
  static long parseMillis(String value) {
    if (value == null || value.isEmpty()) {
      return ABSENT;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return ABSENT;
      }
    }
    if (value.length() > 18) {
      return HUGE;
    }
    return Long.parseLong(value); // at most 18 digits: fits
  }

  /**
   * The header value for a remaining {@code budget}: whole milliseconds, rounded down, at least 0.
   */
  static String format(Duration budget) {
    return budget.isNegative() ? "0" : Long.toString(budget.toMillis());
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " " + d + " is not positive");
    }
    return d;
  }

  @Override
  public String toString() {
    return "RequestBudget[header "
        + header
        + ", maximum "
        + (maximum == null ? "none" : maximum)
        + ", floor "
        + (floor.isZero() ? "none" : floor)
        + ", root "
        + root
        + "]";
  }
}
