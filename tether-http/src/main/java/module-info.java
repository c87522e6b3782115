/**
 * Tether for HTTP: deadlines and cancellation that cross the process edge. The JDK's {@code
 * HttpClient} sends under a Tether {@code Context} ({@link io.tether.http.ContextHttpClient}); the
 * JDK's built-in server gives each request one ({@link io.tether.http.ContextFilter}), derived from
 * a header carrying the client's remaining budget ({@link io.tether.http.RequestBudget}).
 */
module io.tether.http {
  requires transitive io.tether;
  requires transitive java.net.http;
  requires transitive jdk.httpserver;

  exports io.tether.http;
}
