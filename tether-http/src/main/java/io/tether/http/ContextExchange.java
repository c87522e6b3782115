package io.tether.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The exchange {@link ContextFilter} passes on: the JDK's exchange plus the request's Tether state.
 * Per-request state cannot live in the exchange's attributes: the JDK's server keeps those in the
 * {@code HttpContext}, shared by every request to it. Everything delegates; the response body
 * reports failed writes (client gone) and closing completes the request.
 */
final class ContextExchange extends com.sun.net.httpserver.HttpExchange implements Tracked {
  private final com.sun.net.httpserver.HttpExchange delegate;
  private final RequestState state;
  private OutputStream body; // guarded by this: the wrapper of delegate's current response body
  private OutputStream wrapped; // guarded by this: the stream body wraps

  ContextExchange(com.sun.net.httpserver.HttpExchange delegate, RequestState state) {
    this.delegate = delegate;
    this.state = state;
  }

  @Override
  public RequestState state() {
    return state;
  }

  @Override
  public com.sun.net.httpserver.Headers getRequestHeaders() {
    return delegate.getRequestHeaders();
  }

  @Override
  public com.sun.net.httpserver.Headers getResponseHeaders() {
    return delegate.getResponseHeaders();
  }

  @Override
  public java.net.URI getRequestURI() {
    return delegate.getRequestURI();
  }

  @Override
  public String getRequestMethod() {
    return delegate.getRequestMethod();
  }

  @Override
  public com.sun.net.httpserver.HttpContext getHttpContext() {
    return delegate.getHttpContext();
  }

  @Override
  public java.io.InputStream getRequestBody() {
    return delegate.getRequestBody();
  }

  @Override
  public java.net.InetSocketAddress getRemoteAddress() {
    return delegate.getRemoteAddress();
  }

  @Override
  public int getResponseCode() {
    return delegate.getResponseCode();
  }

  @Override
  public java.net.InetSocketAddress getLocalAddress() {
    return delegate.getLocalAddress();
  }

  @Override
  public String getProtocol() {
    return delegate.getProtocol();
  }

  @Override
  public Object getAttribute(String name) {
    return delegate.getAttribute(name);
  }

  @Override
  public com.sun.net.httpserver.HttpPrincipal getPrincipal() {
    return delegate.getPrincipal();
  }

  @Override
  public void setAttribute(String name, Object value) {
    delegate.setAttribute(name, value);
  }

  @Override
  public void sendResponseHeaders(int code, long length) throws IOException {
    try {
      delegate.sendResponseHeaders(code, length);
    } catch (IOException e) {
      state.clientGone(e);
      throw e;
    }
  }

  @Override
  public synchronized void setStreams(InputStream in, OutputStream out) {
    delegate.setStreams(in, out);
  }

  @Override
  public synchronized OutputStream getResponseBody() {
    OutputStream current = delegate.getResponseBody();
    if (current != wrapped) {
      wrapped = current;
      body = new GoneDetector(current, state);
    }
    return body;
  }

  @Override
  public void close() {
    try {
      delegate.close();
    } finally {
      state.completed();
    }
  }
}
