/**
 * Tether for HTTP: deadlines and cancellation that cross the process edge. The JDK's {@code
 * HttpClient} sends under a Tether {@code Context} ({@link io.tether.http.ContextHttpClient}); the
 * JDK's built-in server gives each request one ({@link io.tether.http.ContextFilter}), derived from
 * a header carrying the client's remaining budget ({@link io.tether.http.RequestBudget}); so does a
 * Servlet container ({@link io.tether.http.ContextServletFilter}, Jakarta Servlet 6).
 */
module io.tether.http {
  requires transitive io.tether;
  requires transitive java.net.http;
  requires transitive jdk.httpserver;
  // Only ContextServletFilter needs it; a servlet container provides it.
  requires static jakarta.servlet;

  exports io.tether.http;
}
