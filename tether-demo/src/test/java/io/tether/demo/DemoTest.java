package io.tether.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.jr.ob.JSON;
import io.tether.testing.Bounded;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job, end to end: the demo starts, serves its page, and stops on SIGTERM. */
class DemoTest {

  private static Process start(Path dir, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> cmd =
        new ArrayList<>(
            List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile()).start();
  }

  /** Sends SIGTERM and checks the demo drains and exits 0; returns what it printed after. */
  private static String terminate(Process p, BufferedReader out, Path dir) throws Exception {
    Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start();
    assertThat(kill.waitFor()).isZero();
    StringBuilder rest = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      rest.append(line).append('\n');
    }
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      new ProcessBuilder("kill", "-QUIT", Long.toString(p.pid())).start().waitFor();
      fail("the demo did not exit within 20 s after SIGTERM; its output:\n" + rest);
    }
    String err = Files.readString(dir.resolve("stderr.txt"));
    assertThat(p.exitValue()).as("exit code; stderr: %s", err).isZero();
    assertThat(err).startsWith("tether: shutdown (SIGTERM) clean: ");
    return rest.toString();
  }

  @Test
  void theShopOpensWithItsDebugPageAndClosesCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    Process p = start(dir, "--debug-port", "0");
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine(); // returns when the line is printed, or null if it died
      assertThat(first)
          .as("first line; stderr: %s", Files.readString(dir.resolve("stderr.txt")))
          .startsWith("tether-demo: debug page at http://127.0.0.1:")
          .endsWith("/debug/tether/");
      assertThat(out.readLine()).contains("shop is open").contains("kill -USR1");
      String rest = terminate(p, out, dir);
      assertThat(rest)
          .contains("shop ")
          .contains("intake  service")
          .contains("tether-demo: closing: ");
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * With --leak the page's data shows a growing 'chan send' group, read over HTTP while the demo
   * runs; frequent failed picks (--fail-one-in 100: about two a second, fewer than the shop's
   * restart intensity allows) show as restart lines as they happen.
   */
  @Test
  void theLeakShowsOnThePageAndRestartsArePrinted(@TempDir Path dir) throws Exception {
    // --for bounds the run: if no restart ever came, the read below ends with the demo's output.
    Process p = start(dir, "--debug-port", "0", "--leak", "--fail-one-in", "100", "--for", "120");
    try (BufferedReader out =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newHttpClient()) {
      String first = out.readLine();
      assertThat(first).as("first line").startsWith("tether-demo: debug page at ");
      URI page = URI.create(first.substring("tether-demo: debug page at ".length()));
      // Each read shows more leaked replies than the one before: the group grows.
      int previous = 0;
      for (int look = 0; look < 3; look++) {
        int before = previous;
        int[] count = new int[1];
        Bounded.until(
            "a 'chan send' group larger than " + before + " on the page",
            () -> (count[0] = chanSendCount(http, page)) > before);
        previous = count[0];
      }
      String grouped = get(http, page.resolve("tasks?format=grouped&owner=main/main/replies"));
      assertThat(grouped)
          .containsPattern("\\d+ x task RUNNING, chan send .* under main/main/replies");
      // Restarts are printed as they happen (read up to the first one).
      String restart = null;
      for (String line; restart == null && (line = out.readLine()) != null; ) {
        if (line.startsWith("tether-demo: restart: ")) {
          restart = line;
        }
      }
      assertThat(restart)
          .isNotNull()
          .containsPattern(
              "restart: 'pickers' FAILED \\(java.lang.IllegalStateException: picker-\\d dropped"
                  + " order #\\d+\\), restarted \\[pickers\\] after \\d+ms");
      String rest = terminate(p, out, dir);
      assertThat(rest).containsPattern("\\d+ replies leaked on purpose");
    } finally {
      p.destroyForcibly();
    }
  }

  private static String get(HttpClient http, URI uri) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("GET %s: %s", uri, r.body()).isEqualTo(200);
      return r.body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static int chanSendCount(HttpClient http, URI page) {
    try {
      Map<String, Object> view = JSON.std.mapFrom(get(http, page.resolve("view")));
      for (Map<String, Object> g : (List<Map<String, Object>>) view.get("groups")) {
        if ("chan send".equals(g.get("waitReason"))) {
          return ((Number) g.get("count")).intValue();
        }
      }
      return 0;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
