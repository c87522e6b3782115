package io.tether.observe;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium (Debian's {@code chromium} package), run once per page load: it loads the page,
 * runs its scripts for a few seconds of virtual time (fetches included) and prints the rendered
 * DOM. Each run gets a fresh profile directory, deleted afterwards, and is waited for: when a call
 * returns, no browser process of it is left.
 */
final class Chromium {
  static final Path BINARY = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

  /** Bounds one browser run, a hang guard only: a cold start on a loaded CI machine is slow. */
  static final java.time.Duration HANG = java.time.Duration.ofSeconds(90);

  private Chromium() {}

  /** Skips the test where there is no browser, except on CI, where it must be there. */
  static void assumeInstalled() {
    if (Files.isExecutable(BINARY)) {
      return;
    }
    if (System.getenv("CI") != null) {
      fail(
          BINARY + " is missing on CI: .ci/run installs Debian's chromium package; run it as root");
    }
    Assumptions.abort(
        BINARY + " is not installed (apt-get install chromium): browser test skipped");
  }

  /** The DOM of {@code url} after its scripts ran, serialized as HTML. */
  static String dumpDom(String url) throws IOException, InterruptedException {
    return run(url, "--dump-dom", null);
  }

  /** Saves a PNG of {@code url} at {@code width x height}. */
  static void screenshot(String url, Path png, int width, int height)
      throws IOException, InterruptedException {
    run(url, "--screenshot=" + png.toAbsolutePath(), width + "," + height);
  }

  private static String run(String url, String what, String windowSize)
      throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("tether-chromium");
    Path out = profile.resolve("stdout.html");
    Path err = profile.resolve("stderr.txt");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                BINARY.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile.resolve("profile"),
                "--virtual-time-budget=4000",
                what));
    if (windowSize != null) {
      cmd.add("--window-size=" + windowSize);
      cmd.add("--hide-scrollbars");
    }
    cmd.add(url);
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!p.waitFor(HANG.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(
            "chromium did not finish loading "
                + url
                + " in "
                + HANG
                + "; stderr:\n"
                + Files.readString(err));
      }
      if (p.exitValue() != 0) {
        fail(
            "chromium exited "
                + p.exitValue()
                + " on "
                + url
                + "; stderr:\n"
                + Files.readString(err));
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor();
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
