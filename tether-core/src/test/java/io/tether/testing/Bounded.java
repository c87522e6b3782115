package io.tether.testing;

import static org.assertj.core.api.Assertions.fail;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits that must not time out. The timeout only bounds a wait that should never happen (a hang);
 * it never orders events. On timeout the test fails with a dump of every thread, virtual ones
 * included.
 */
public final class Bounded {
  private Bounded() {}

  /** Long enough that a healthy run never gets near it on a loaded 2-core CI machine. */
  public static final Duration HANG = Duration.ofSeconds(20);

  public static void await(CountDownLatch latch) {
    try {
      if (!latch.await(HANG.toMillis(), TimeUnit.MILLISECONDS)) {
        hung("latch " + latch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  public static void join(Thread thread) {
    try {
      if (!thread.join(HANG)) {
        hung("thread " + thread);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Fails the test, printing every thread's stack. */
  public static void hung(String what) {
    String dump = dumpAllThreads();
    System.err.println(dump);
    fail("Timed out after " + HANG + " waiting for " + what + "; all threads:\n" + dump);
  }

  /** A plain-text dump of every thread, virtual threads included. */
  public static String dumpAllThreads() {
    try {
      Path dir = Files.createTempDirectory("tether-dump");
      Path file = dir.resolve("threads.txt");
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(file.toString(), ThreadDumpFormat.TEXT_PLAIN);
      String text = Files.readString(file);
      Files.delete(file);
      Files.delete(dir);
      return text;
    } catch (IOException | RuntimeException e) {
      StringBuilder sb = new StringBuilder("(thread dump failed: " + e + "; platform threads)\n");
      Thread.getAllStackTraces()
          .forEach((t, stack) -> {
            sb.append(t).append('\n');
            for (StackTraceElement f : stack) {
              sb.append("    at ").append(f).append('\n');
            }
          });
      return sb.toString();
    }
  }

  /** Polls {@code condition} until true; fails with a thread dump if it stays false. */
  public static void until(String what, java.util.function.BooleanSupplier condition) {
    long end = System.nanoTime() + HANG.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        hung(what);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }
}
