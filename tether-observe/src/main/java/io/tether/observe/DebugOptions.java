package io.tether.observe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a {@link DebugServer} listens and what it allows. Immutable: each {@code with}/{@code
 * exposedOn} returns a copy.
 *
 * <pre>{@code
 * DebugOptions.defaults()                          // 127.0.0.1:6060, loopback only
 * DebugOptions.defaults().port(0)                  // an ephemeral loopback port
 * DebugOptions.defaults().exposedOn(new InetSocketAddress("0.0.0.0", 6060), token)
 *                                                  // reachable from other hosts: token required
 * }</pre>
 *
 * <p>By default the server listens on the loopback interface only, like Go's {@code localhost:6060}
 * convention for {@code net/http/pprof}: the page shows stacks, names and owner paths, which are
 * for the people who run the service. Any other address must be asked for with {@link
 * #exposedOn(InetSocketAddress, String)}, which takes a bearer token that every request for data
 * must then carry ({@code Authorization: Bearer <token>}).
 *
 * <p>Bounds: a response larger than {@link #maxResponseBytes()} is cut (text) or refused (JSON); a
 * request that takes longer than {@link #requestTimeout()} is cancelled and its connection closed;
 * at most {@link #maxConcurrentRequests()} requests are served at once, and a connection that
 * arrives beyond that is closed at once.
 */
public final class DebugOptions {
  /** The default port, Go's pprof convention. */
  public static final int DEFAULT_PORT = 6060;

  private static final int MIN_TOKEN_LENGTH = 16;

  private final InetSocketAddress address;
  private final String bearerToken; // non-null iff exposed
  private final long maxResponseBytes;
  private final Duration requestTimeout;
  private final int maxConcurrentRequests;

  private DebugOptions(
      InetSocketAddress address,
      String bearerToken,
      long maxResponseBytes,
      Duration requestTimeout,
      int maxConcurrentRequests) {
    this.address = address;
    this.bearerToken = bearerToken;
    this.maxResponseBytes = maxResponseBytes;
    this.requestTimeout = requestTimeout;
    this.maxConcurrentRequests = maxConcurrentRequests;
  }

  /**
   * {@code 127.0.0.1:6060}, no token, responses up to 64 MiB, 10 s per request, 16 requests at
   * once.
   */
  public static DebugOptions defaults() {
    return new DebugOptions(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT),
        null,
        64L << 20,
        Duration.ofSeconds(10),
        16);
  }

  /**
   * Listens on this port of the loopback interface; 0 picks a free one ({@link
   * DebugServer#address()} tells which).
   *
   * @throws IllegalArgumentException if {@code port} is not in 0..65535
   * @throws IllegalStateException if these options are exposed on another address (say the port
   *     there)
   */
  public DebugOptions port(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535 (0: any free one), got " + port);
    }
    if (bearerToken != null) {
      throw new IllegalStateException(
          "these options are exposed on "
              + address
              + "; give the port in exposedOn(address, token) instead of port("
              + port
              + ")");
    }
    return new DebugOptions(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        null,
        maxResponseBytes,
        requestTimeout,
        maxConcurrentRequests);
  }

  /**
   * Listens on {@code address}, which may be reachable from other hosts, and requires {@code
   * bearerToken} on every request for data. The page's own files (HTML, script, style: no data) are
   * served without it; the page asks for the token and sends it.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the token is shorter than 16 characters or contains
   *     whitespace or control characters
   */
  public DebugOptions exposedOn(InetSocketAddress address, String bearerToken) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(bearerToken, "bearerToken");
    if (bearerToken.length() < MIN_TOKEN_LENGTH
        || !bearerToken.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "exposedOn("
              + address
              + ", token): the bearer token must be at least "
              + MIN_TOKEN_LENGTH
              + " printable characters without spaces (got "
              + bearerToken.length()
              + " characters); generate a random one");
    }
    return new DebugOptions(
        address, bearerToken, maxResponseBytes, requestTimeout, maxConcurrentRequests);
  }

  /**
   * The largest response body: a text dump past it is cut with a last line that says so, a JSON one
   * is refused with 503 and a hint to narrow it ({@code limit=}, {@code owner=}).
   *
   * @throws IllegalArgumentException if {@code bytes < 1024}
   */
  public DebugOptions maxResponseBytes(long bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException("maxResponseBytes must be at least 1024, got " + bytes);
    }
    return new DebugOptions(address, bearerToken, bytes, requestTimeout, maxConcurrentRequests);
  }

  /**
   * How long one request may take, from the first byte read to the last written. Past it the
   * request's task is cancelled (its thread interrupted) and the connection closed.
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public DebugOptions requestTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive, got " + timeout);
    }
    return new DebugOptions(address, bearerToken, maxResponseBytes, timeout, maxConcurrentRequests);
  }

  /**
   * How many requests are served at once; a connection with a request beyond that is closed without
   * an answer, so a flood of clients costs the application at most this many threads.
   *
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public DebugOptions maxConcurrentRequests(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxConcurrentRequests must be at least 1, got " + n);
    }
    return new DebugOptions(address, bearerToken, maxResponseBytes, requestTimeout, n);
  }

  /** The address to listen on. */
  public InetSocketAddress address() {
    return address;
  }

  /** Whether a bearer token is required: the options were {@link #exposedOn exposed}. */
  public boolean requiresToken() {
    return bearerToken != null;
  }

  /** The response size bound. */
  public long maxResponseBytes() {
    return maxResponseBytes;
  }

  /** The per-request time bound. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** The bound on requests served at once. */
  public int maxConcurrentRequests() {
    return maxConcurrentRequests;
  }

  String bearerToken() {
    return bearerToken;
  }

  /** Names the address and bounds; never the token. */
  @Override
  public String toString() {
    return "DebugOptions["
        + address
        + (bearerToken != null ? ", exposed, token required" : ", loopback")
        + ", maxResponseBytes="
        + maxResponseBytes
        + ", requestTimeout="
        + requestTimeout
        + ", maxConcurrentRequests="
        + maxConcurrentRequests
        + "]";
  }
}
