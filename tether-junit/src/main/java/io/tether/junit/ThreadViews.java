package io.tether.junit;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every live thread, virtual ones included: the leak check's view of threads.
 *
 * <h2>Two ways to see virtual threads</h2>
 *
 * <p><b>Thread containers</b> (fast). The JDK keeps every thread in a tree of thread containers
 * (the root one holds the threads started outside any executor or structured scope, since {@code
 * jdk.trackAllThreads} defaults to true). {@code jdk.internal.vm.ThreadContainers} walks that tree
 * and hands back the {@link Thread} objects, so state, park blocker and stack are read directly. It
 * is JDK-internal: it works only when the JVM runs with {@code --add-exports
 * java.base/jdk.internal.vm=ALL-UNNAMED}; its methods are looked up once, reflectively, and without
 * the flag the lookup fails cleanly and the check uses the second way.
 *
 * <p><b>The JSON thread dump</b> (supported API, slower). Platform threads come from the thread
 * groups (cheap); virtual threads only from {@code HotSpotDiagnosticMXBean.dumpThreads(..., JSON)},
 * which lists every thread with its state, park blocker and stack (JDK 25) but costs milliseconds
 * per thousand threads. It is taken only when a thread was created since the baseline: thread ids
 * come from one increasing counter, so an id probe at the baseline and at the check says for almost
 * nothing whether any thread can be new.
 */
final class ThreadViews {
  private ThreadViews() {}

  private static final MethodHandle ROOT;
  private static final MethodHandle THREADS;
  private static final MethodHandle CHILDREN;

  static {
    MethodHandle root = null;
    MethodHandle threads = null;
    MethodHandle children = null;
    try {
      Class<?> containers = Class.forName("jdk.internal.vm.ThreadContainers");
      Class<?> container = Class.forName("jdk.internal.vm.ThreadContainer");
      // A full-power lookup: the export to ALL-UNNAMED is a qualified one, which publicLookup()
      // does not see.
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      root = lookup.findStatic(containers, "root", MethodType.methodType(container));
      threads = lookup.findVirtual(container, "threads", MethodType.methodType(Stream.class));
      children = lookup.findVirtual(container, "children", MethodType.methodType(Stream.class));
      root.invoke(); // proves access
    } catch (Throwable notExported) {
      // Without --add-exports java.base/jdk.internal.vm=ALL-UNNAMED (or on a JDK that moved it):
      // fall back to the thread groups and the JSON dump.
      root = null;
    }
    ROOT = root;
    THREADS = root == null ? null : threads;
    CHILDREN = root == null ? null : children;
  }

  /** Tests set this to exercise the dump path on a JVM that has the fast one. */
  static volatile boolean forceDump;

  /** Whether the thread containers are readable (the fast path). */
  static boolean fast() {
    return ROOT != null && !forceDump;
  }

  /** The next thread id the JDK will hand out, give or take threads created meanwhile. */
  static long probeTid() {
    return Thread.ofVirtual().unstarted(() -> {}).threadId();
  }

  /**
   * The ids of the threads the cheap view sees: every thread on the fast path, the platform threads
   * otherwise (virtual ones are then told apart by the id probe).
   */
  static Set<Long> liveIds() {
    Set<Long> ids = new HashSet<>();
    for (Thread t : fast() ? allByContainers() : platformThreads()) {
      ids.add(t.threadId());
    }
    return ids;
  }

  /**
   * Every live thread that is not in {@code baselineIds} and, for a virtual thread seen only in a
   * dump, has an id of at least {@code watermark}.
   */
  static List<ThreadView> newThreads(Set<Long> baselineIds, long watermark) {
    List<ThreadView> out = new ArrayList<>();
    if (fast()) {
      for (Thread t : allByContainers()) {
        if (!baselineIds.contains(t.threadId()) && t.isAlive()) {
          out.add(ThreadView.of(t));
        }
      }
      return out;
    }
    for (Thread t : platformThreads()) {
      if (!baselineIds.contains(t.threadId()) && t.isAlive()) {
        out.add(ThreadView.of(t));
      }
    }
    if (probeTid() > watermark + 1) { // a thread besides the probe was created since the baseline
      for (ThreadView v : dumpVirtual()) {
        if (v.tid >= watermark && !baselineIds.contains(v.tid)) {
          out.add(v);
        }
      }
    }
    return out;
  }

  private static Set<Thread> allByContainers() {
    Set<Thread> all = new LinkedHashSet<>();
    try {
      collect(ROOT.invoke(), all);
    } catch (Throwable t) {
      throw new IllegalStateException("reading jdk.internal.vm.ThreadContainers failed", t);
    }
    return all;
  }

  private static void collect(Object container, Set<Thread> into) throws Throwable {
    try (Stream<?> threads = (Stream<?>) THREADS.invoke(container)) {
      threads.forEach(t -> into.add((Thread) t));
    }
    List<?> kids;
    try (Stream<?> children = (Stream<?>) CHILDREN.invoke(container)) {
      kids = children.toList();
    }
    for (Object kid : kids) {
      collect(kid, into);
    }
  }

  private static List<Thread> platformThreads() {
    ThreadGroup g = Thread.currentThread().getThreadGroup();
    while (g.getParent() != null) {
      g = g.getParent();
    }
    Thread[] a;
    int n;
    do {
      a = new Thread[g.activeCount() * 2 + 16];
      n = g.enumerate(a, true);
    } while (n == a.length);
    return java.util.Arrays.asList(a).subList(0, n);
  }

  private static Path dumpDir;

  private static synchronized Path dumpFile() throws IOException {
    if (dumpDir == null) {
      dumpDir = Files.createTempDirectory("tether-leakcheck");
      dumpDir.toFile().deleteOnExit();
    }
    return dumpDir.resolve("threads-" + System.nanoTime() + "-" + probeTid() + ".json");
  }

  /** How many JSON dumps this JVM took: for tests. */
  static final java.util.concurrent.atomic.AtomicInteger DUMPS =
      new java.util.concurrent.atomic.AtomicInteger();

  /** The virtual threads of a JSON thread dump. */
  static List<ThreadView> dumpVirtual() {
    DUMPS.incrementAndGet();
    String json;
    try {
      Path file = dumpFile();
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
      try {
        json = Files.readString(file);
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("taking a JSON thread dump for the leak check failed", e);
    }
    return parseVirtual(json);
  }

  @SuppressWarnings("unchecked")
  static List<ThreadView> parseVirtual(String json) {
    Map<String, Object> root;
    try {
      root = (Map<String, Object>) JSON.std.anyFrom(json);
    } catch (IOException e) {
      throw new UncheckedIOException("the JDK's JSON thread dump could not be read", e);
    }
    Map<String, Object> dump = (Map<String, Object>) root.get("threadDump");
    List<ThreadView> out = new ArrayList<>();
    for (Object c : (List<Object>) dump.get("threadContainers")) {
      for (Object o : (List<Object>) ((Map<String, Object>) c).get("threads")) {
        Map<String, Object> t = (Map<String, Object>) o;
        if (!Boolean.TRUE.equals(t.get("virtual"))) {
          continue;
        }
        String blocker = null;
        String blockerClass = null;
        if (t.get("parkBlocker") instanceof Map<?, ?> pb && pb.get("object") instanceof String b) {
          blockerClass = b.contains("@") ? b.substring(0, b.indexOf('@')) : b;
          blocker = blockerClass + " " + b;
        } else if (t.get("blockedOn") instanceof String b) {
          blocker = "monitor " + b;
        }
        Object state = t.get("state");
        List<StackTraceElement> stack = new ArrayList<>();
        for (Object f : (List<Object>) t.get("stack")) {
          stack.add(frame((String) f));
        }
        out.add(
            ThreadView.fromDump(
                Long.parseLong((String) t.get("tid")),
                (String) t.get("name"),
                state == null ? Thread.State.RUNNABLE : Thread.State.valueOf((String) state),
                blocker,
                blockerClass,
                stack));
      }
    }
    return out;
  }

  /** {@code java.base/java.util.concurrent.SynchronousQueue.put(SynchronousQueue.java:266)}. */
  static StackTraceElement frame(String text) {
    int paren = text.indexOf('(');
    String where = paren < 0 ? text : text.substring(0, paren);
    int slash = where.indexOf('/');
    String module = slash < 0 ? null : where.substring(0, slash);
    where = slash < 0 ? where : where.substring(slash + 1);
    int dot = where.lastIndexOf('.');
    String cls = dot < 0 ? where : where.substring(0, dot);
    String method = dot < 0 ? "?" : where.substring(dot + 1);
    String file = null;
    int line = -1;
    if (paren >= 0 && text.endsWith(")")) {
      String inside = text.substring(paren + 1, text.length() - 1);
      if (inside.equals("Native Method")) {
        line = -2;
      } else {
        int colon = inside.lastIndexOf(':');
        if (colon > 0) {
          file = inside.substring(0, colon);
          try {
            line = Integer.parseInt(inside.substring(colon + 1));
          } catch (NumberFormatException notANumber) {
            file = inside;
          }
        } else if (!inside.isEmpty()) {
          file = inside;
        }
      }
    }
    return new StackTraceElement(null, module, null, cls, method, file, line);
  }
}
