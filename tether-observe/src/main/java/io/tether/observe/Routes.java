package io.tether.observe;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tether.DumpFormat;
import io.tether.TaskInfo;
import io.tether.Tasks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The debug server's one handler: routes, checks and answers every request. Nothing a client sends
 * escapes it as an exception: bad input gets a 4xx with a one-line reason, anything unexpected a
 * 500 naming the exception (the server's own bug, never the application's).
 *
 * <pre>
 * /debug/tether/                  the page (page.html, page.js, page.css from the jar)
 * /debug/tether/tasks             ?format=grouped|full|tree|json &amp;owner= &amp;state= &amp;min_wait= &amp;limit=
 * /debug/tether/tasks/{id}        one entry with its live stack; ?format=text|json
 * /debug/tether/view              the page's data (groups and folded tree), JSON; same filters
 * /debug/tether/threads           the JVM's own thread dump, JSON (raw virtual threads too)
 * /debug/tether/leaks             what the running leak watchdogs reported, JSON
 * </pre>
 */
final class Routes implements HttpHandler {
  static final String BASE = "/debug/tether/";

  /** Longer request targets are refused with 414: no filter needs more. */
  static final int MAX_TARGET_LENGTH = 2048;

  static final List<String> FORMATS = List.of("grouped", "full", "tree", "json");
  private static final Set<String> FILTERS = Set.of("owner", "state", "min_wait", "limit");
  private static final Set<String> PAGE_FILES = Set.of("page.js", "page.css");

  private final DebugOptions options;
  private final byte[] token; // null: none required

  Routes(DebugOptions options) {
    this.options = options;
    this.token =
        options.requiresToken() ? options.bearerToken().getBytes(StandardCharsets.UTF_8) : null;
  }

  /** A response before it is sent. */
  record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    static Reply text(int status, String text) {
      return new Reply(
          status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Reply json(String json) {
      return new Reply(
          200, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    Reply reply;
    try {
      reply = route(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex);
    } catch (BadRequest e) {
      reply = Reply.text(e.status, e.getMessage() + "\n");
      if (e.status == 405) {
        reply = withHeader(reply, "Allow", "GET, HEAD");
      } else if (e.status == 401) {
        reply = withHeader(reply, "WWW-Authenticate", "Bearer realm=\"tether\"");
      }
    } catch (RuntimeException | Error e) {
      // Errors too (a class that fails to load, out of memory): the JDK's server would let them
      // end the request's task without closing the connection, and the client would hang.
      reply =
          Reply.text(
              500,
              "tether debug server: could not answer "
                  + ex.getRequestMethod()
                  + " "
                  + ex.getRequestURI().getRawPath()
                  + ": "
                  + e
                  + "\n");
    }
    send(ex, reply);
  }

  private static Reply withHeader(Reply r, String name, String value) {
    Map<String, String> h = new HashMap<>(r.headers());
    h.put(name, value);
    return new Reply(r.status(), r.contentType(), r.body(), h);
  }

  private void send(HttpExchange ex, Reply r) throws IOException {
    try (ex) {
      Headers h = ex.getResponseHeaders();
      h.set("Content-Type", r.contentType());
      h.set("Cache-Control", "no-store");
      h.set("X-Content-Type-Options", "nosniff");
      h.set("Referrer-Policy", "no-referrer");
      h.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
      r.headers().forEach(h::set);
      if (ex.getRequestMethod().equals("HEAD")) {
        h.set("Content-Length", Integer.toString(r.body().length));
        ex.sendResponseHeaders(r.status(), -1);
      } else {
        ex.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
        ex.getResponseBody().write(r.body());
      }
    }
  }

  Reply route(String method, String path, HttpExchange ex) throws BadRequest {
    String rawTarget = ex.getRequestURI().toString();
    if (rawTarget.length() > MAX_TARGET_LENGTH) {
      throw new BadRequest(
          414,
          "request target is "
              + rawTarget.length()
              + " characters; the debug server takes at most "
              + MAX_TARGET_LENGTH);
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw new BadRequest(
          405, method + " is not allowed: the debug server only reads (GET or HEAD)");
    }
    checkHost(ex.getRequestHeaders().getFirst("Host"));
    if (path == null || !path.startsWith(BASE)) {
      if ("/debug/tether".equals(path)) {
        return new Reply(302, "text/plain; charset=utf-8", new byte[0], Map.of("Location", BASE));
      }
      throw notFound(path);
    }
    String rest = path.substring(BASE.length());
    if (rest.isEmpty() || rest.equals("index.html")) {
      return resource("page.html", "text/html; charset=utf-8");
    }
    if (PAGE_FILES.contains(rest)) {
      return resource(
          rest,
          rest.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
    }
    checkToken(ex.getRequestHeaders().getFirst("Authorization"));
    Map<String, String> query = query(ex.getRequestURI().getRawQuery());
    if (rest.equals("tasks")) {
      return tasks(query);
    }
    if (rest.equals("view")) {
      return view(query);
    }
    if (rest.equals("threads")) {
      onlyKeys(query, Set.of());
      return threads();
    }
    if (rest.equals("leaks")) {
      onlyKeys(query, Set.of());
      return jsonWithinBound(write(LeakWatchdog.view()));
    }
    if (rest.startsWith("tasks/")) {
      return one(rest.substring("tasks/".length()), query);
    }
    throw notFound(path);
  }

  private static BadRequest notFound(String path) {
    return new BadRequest(
        404,
        "no such page: "
            + path
            + "; the debug server has "
            + BASE
            + " (the page), "
            + BASE
            + "tasks, "
            + BASE
            + "tasks/{id}, "
            + BASE
            + "view, "
            + BASE
            + "threads and "
            + BASE
            + "leaks");
  }

  /**
   * On a loopback server, answers only requests addressed to a loopback name: a page elsewhere that
   * points its own host name at 127.0.0.1 (DNS rebinding) gets nothing.
   */
  private void checkHost(String host) throws BadRequest {
    if (options.requiresToken() || host == null) {
      return; // an exposed server checks the token instead; HTTP/1.0 sends no Host
    }
    String name = host;
    if (name.startsWith("[")) {
      int end = name.indexOf(']');
      name = end < 0 ? name : name.substring(0, end + 1);
    } else if (name.indexOf(':') >= 0) {
      name = name.substring(0, name.indexOf(':'));
    }
    String n = name.toLowerCase(Locale.ROOT);
    if (!(n.equals("localhost") || n.equals("[::1]") || n.startsWith("127."))) {
      throw new BadRequest(
          403,
          "Host '"
              + host
              + "' is not a loopback name; this debug server listens on loopback only and"
              + " answers localhost, 127.x.x.x or [::1] (a guard against DNS rebinding)");
    }
  }

  private void checkToken(String authorization) throws BadRequest {
    if (token == null) {
      return;
    }
    String prefix = "Bearer ";
    byte[] given =
        authorization != null && authorization.regionMatches(true, 0, prefix, 0, prefix.length())
            ? authorization.substring(prefix.length()).strip().getBytes(StandardCharsets.UTF_8)
            : new byte[0];
    if (!MessageDigest.isEqual(given, token)) {
      throw new BadRequest(
          401,
          "this debug server is exposed beyond loopback and needs 'Authorization: Bearer <token>'"
              + " (the token given to DebugOptions.exposedOn)");
    }
  }

  /** Decodes {@code a=1&b=2}; a key twice, or a broken escape, is a bad request. */
  static Map<String, String> query(String raw) throws BadRequest {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (out.put(key, value) != null) {
        throw new BadRequest(400, "query parameter '" + key + "' is given twice; give it once");
      }
    }
    return out;
  }

  private static String decode(String s) throws BadRequest {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(400, "query part '" + s + "' is not URL-encoded correctly");
    }
  }

  private static void onlyKeys(Map<String, String> query, Set<String> allowed) throws BadRequest {
    for (String k : query.keySet()) {
      if (!allowed.contains(k)) {
        throw new BadRequest(
            400,
            "unknown query parameter '"
                + k
                + "'"
                + (allowed.isEmpty()
                    ? "; this page takes none"
                    : "; this page takes "
                        + String.join(", ", allowed.stream().sorted().toList())));
      }
    }
  }

  // ---- the routes ----

  private Reply tasks(Map<String, String> query) throws BadRequest {
    Set<String> allowed = new java.util.HashSet<>(FILTERS);
    allowed.add("format");
    onlyKeys(query, allowed);
    String f = query.getOrDefault("format", "grouped").toLowerCase(Locale.ROOT);
    if (!FORMATS.contains(f)) {
      throw new BadRequest(
          400,
          "unknown format '"
              + query.get("format")
              + "'; the formats are "
              + String.join(", ", FORMATS)
              + " (format=grouped is the default)");
    }
    TaskFilter filter = TaskFilter.parse(query);
    List<TaskInfo> all = Tasks.snapshot();
    List<TaskInfo> shown = filter.apply(all, Instant.now());
    DumpFormat format = DumpFormat.valueOf(f.toUpperCase(Locale.ROOT));
    String body = Tasks.dump(shown, format);
    if (format == DumpFormat.JSON) {
      return jsonWithinBound(body);
    }
    return new Reply(200, "text/plain; charset=utf-8", cut(body), Map.of());
  }

  private Reply view(Map<String, String> query) throws BadRequest {
    onlyKeys(query, FILTERS);
    TaskFilter filter = TaskFilter.parse(query);
    Instant now = Instant.now();
    List<TaskInfo> all = Tasks.snapshot();
    return jsonWithinBound(write(PageView.of(all, filter.apply(all, now), now)));
  }

  private Reply one(String idText, Map<String, String> query) throws BadRequest {
    onlyKeys(query, Set.of("format"));
    String f = query.getOrDefault("format", "text");
    if (!f.equals("text") && !f.equals("json")) {
      throw new BadRequest(
          400, "unknown format '" + f + "' for one entry; the formats are text, json");
    }
    long id;
    try {
      id = Long.parseLong(idText);
    } catch (NumberFormatException e) {
      throw new BadRequest(
          404, "no task or scope '" + idText + "': ids are numbers, as in " + BASE + "tasks/17");
    }
    TaskInfo found = null;
    for (TaskInfo i : Tasks.snapshot()) {
      if (i.id() == id) {
        found = i;
        break;
      }
    }
    if (found == null) {
      throw new BadRequest(
          404,
          "no live task or scope #"
              + id
              + " (it may have ended); list the live ones at "
              + BASE
              + "tasks");
    }
    if (f.equals("text")) {
      return new Reply(
          200,
          "text/plain; charset=utf-8",
          cut(Tasks.dump(List.of(found), DumpFormat.FULL)),
          Map.of());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", found.id());
    m.put("name", found.name());
    m.put("kind", found.kind().name().toLowerCase(Locale.ROOT));
    m.put("path", found.path());
    m.put("state", found.state());
    m.put("spawnSite", found.spawnSite() == null ? null : found.spawnSite().toString());
    m.put("waitReason", found.waitReason());
    m.put("waitTarget", found.waitTarget());
    m.put("waitingSince", found.waitingSince() == null ? null : found.waitingSince().toString());
    m.put("ageMillis", found.age().toMillis());
    m.put("straggler", found.straggler());
    m.put("thread", found.thread() == null ? null : found.thread().toString());
    m.put("history", found.history());
    m.put("stack", strings(liveStack(found)));
    m.put("spawnStack", strings(found.spawnStack()));
    return jsonWithinBound(write(m));
  }

  private static List<StackTraceElement> liveStack(TaskInfo i) {
    if (!i.stack().isEmpty()) {
      return i.stack();
    }
    return i.thread() == null ? List.of() : List.of(i.thread().getStackTrace());
  }

  private static List<String> strings(List<StackTraceElement> frames) {
    List<String> out = new ArrayList<>(frames.size());
    for (StackTraceElement f : frames) {
      out.add(f.toString());
    }
    return out;
  }

  private Reply threads() throws BadRequest {
    byte[] dump = ThreadDump.json(options.maxResponseBytes());
    if (dump == null) {
      throw new BadRequest(
          503,
          "the JVM's thread dump is larger than this server's maxResponseBytes ("
              + options.maxResponseBytes()
              + "); raise DebugOptions.maxResponseBytes, or read Tether's grouped view at "
              + BASE
              + "tasks");
    }
    return new Reply(200, "application/json; charset=utf-8", dump, Map.of());
  }

  private Reply resource(String name, String contentType) {
    try (InputStream in = Routes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource io/tether/observe/" + name + " is missing from the tether-observe jar");
      }
      return new Reply(200, contentType, in.readAllBytes(), Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- bounds ----

  /** Text past the bound is cut at a line end, with a last line that says so. */
  byte[] cut(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    long max = options.maxResponseBytes();
    if (b.length <= max) {
      return b;
    }
    String trailer =
        "\n[cut: this dump is "
            + b.length
            + " bytes, over the debug server's bound of "
            + max
            + "; narrow it with owner=, state=, min_wait= or limit=]\n";
    int end = (int) Math.max(0, max - trailer.length() - 4);
    while (end > 0 && b[end - 1] != '\n') {
      end--;
    }
    byte[] t = trailer.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[end + t.length];
    System.arraycopy(b, 0, out, 0, end);
    System.arraycopy(t, 0, out, end, t.length);
    return out;
  }

  private Reply jsonWithinBound(String json) throws BadRequest {
    Reply r = Reply.json(json);
    if (r.body().length > options.maxResponseBytes()) {
      throw new BadRequest(
          503,
          "this JSON is "
              + r.body().length
              + " bytes, over the debug server's bound of "
              + options.maxResponseBytes()
              + "; narrow it with owner=, state=, min_wait= or limit=");
    }
    return r;
  }

  static String write(Object value) {
    try {
      return JSON.std.asString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
