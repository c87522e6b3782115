package io.tether.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job, end to end: the demo starts, serves, and stops cleanly on SIGTERM. */
class DemoTest {

  @Test
  void theShopOpensAndClosesCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    Path err = dir.resolve("stderr.txt");
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName())
            .redirectError(err.toFile())
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine(); // returns when the line is printed, or null if it died
      assertThat(first)
          .as("first line; stderr: %s", Files.readString(err))
          .contains("shop is open");
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
      assertThat(p.exitValue()).as("exit code; stderr: %s", Files.readString(err)).isZero();
      assertThat(rest.toString())
          .contains("shop ")
          .contains("intake  service")
          .contains("tether-demo: closing: ");
      assertThat(Files.readString(err)).startsWith("tether: shutdown (SIGTERM) clean: ");
    } finally {
      p.destroyForcibly();
    }
  }
}
