package io.tether.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.testing.Bounded;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grouped dump on a real signal, sent to a child JVM with kill(1). */
class SignalDumpTest {

  @Test
  void sigusr1PrintsTheGroupedDumpAndTheProcessGoesOn(@TempDir Path dir) throws Exception {
    Path err = dir.resolve("stderr.txt");
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p =
        new ProcessBuilder(
                java, "-cp", System.getProperty("java.class.path"), SignalChild.class.getName())
            .redirectError(err.toFile())
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine())
          .as("stderr: %s", Files.readString(err))
          .isEqualTo("ready SignalDump[SIGUSR1, installed]");
      for (int n = 1; n <= 2; n++) {
        assertThat(new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor())
            .isZero();
        int dumps = n;
        Bounded.until(
            "dump " + n + " on stderr",
            () -> count(read(err), "3 x task RUNNING, chan receive") == dumps);
      }
      String text = read(err);
      assertThat(text)
          .contains("tether: SIGUSR1: grouped dump of the task registry")
          .contains("under waiters")
          .contains("io.tether.Channel.receive(");
      p.getOutputStream().close(); // the child ends when its stdin closes
      if (!p.waitFor(Bounded.HANG.toMillis(), TimeUnit.MILLISECONDS)) {
        Bounded.hung("the child JVM to exit");
      }
      assertThat(p.exitValue()).as("exit code; stderr: %s", read(err)).isZero();
    } finally {
      p.destroyForcibly();
      p.waitFor();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void signalsTheJvmKeepsAreRefusedByName() {
    assertThatThrownBy(() -> SignalDump.install("QUIT", System.err))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SIGQUIT is kept by the JVM or the OS")
        .hasMessageContaining("use USR1");
    assertThatThrownBy(() -> SignalDump.install("NOSUCHSIGNAL", System.err))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown signal 'NOSUCHSIGNAL'");
  }

  @Test
  void closeRestoresThePreviousHandler() {
    SignalDump d = SignalDump.install("USR2", System.err);
    assertThat(d.signal()).isEqualTo("USR2");
    d.close();
    d.close(); // idempotent
    assertThat(d).hasToString("SignalDump[SIGUSR2, closed]");
  }
}
