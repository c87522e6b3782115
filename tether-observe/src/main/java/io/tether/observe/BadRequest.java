package io.tether.observe;

/** A request the server answers with an error status and a one-line reason; never escapes it. */
final class BadRequest extends Exception {
  private static final long serialVersionUID = 1L;

  final int status;

  BadRequest(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }
}
