package io.tether;

/**
 * An operation on a closed {@link Channel}: a send (the value was not sent; the message names where
 * the channel was closed), or a receive once the channel is closed and drained (the cause is the
 * one given to {@link Channel#close(Throwable)}, if any).
 */
public final class ChannelClosedException extends IllegalStateException {
  /** Creates one; {@code cause} may be null. */
  public ChannelClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
