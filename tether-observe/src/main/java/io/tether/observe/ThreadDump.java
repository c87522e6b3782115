package io.tether.observe;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JVM's own thread dump in JSON ({@code jcmd Thread.dump_to_file -format=json}): every platform
 * and virtual thread, also those Tether does not own. The JDK writes it to a file only; this writes
 * it to a fresh temporary directory, reads it and deletes both.
 */
final class ThreadDump {
  private ThreadDump() {}

  /** The dump, or null if it is larger than {@code maxBytes}. */
  static byte[] json(long maxBytes) {
    Path dir = null;
    Path file = null;
    try {
      dir = Files.createTempDirectory("tether-threads");
      file = dir.resolve("threads.json");
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(file.toString(), ThreadDumpFormat.JSON);
      if (Files.size(file) > maxBytes) {
        return null;
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the JVM's thread dump to " + file, e);
    } finally {
      deleteQuietly(file);
      deleteQuietly(dir);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // A temporary file left behind is harmless; the answer itself does not depend on it.
    }
  }
}
