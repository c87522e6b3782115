package io.tether.http;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The response body as the handler sees it: a write or flush that fails means the client is gone,
 * the one sign of it the JDK's server gives, so it cancels the request's context (and rethrows).
 * Closing it completes the response.
 */
final class GoneDetector extends FilterOutputStream {
  private final RequestState state;

  GoneDetector(OutputStream out, RequestState state) {
    super(out);
    this.state = state;
  }

  @Override
  public void write(int b) throws IOException {
    state.write(() -> out.write(b));
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    state.write(() -> out.write(b, off, len));
  }

  @Override
  public void flush() throws IOException {
    state.write(() -> out.flush());
  }

  @Override
  public void close() throws IOException {
    try {
      state.write(out::close);
    } finally {
      state.completed();
    }
  }
}
