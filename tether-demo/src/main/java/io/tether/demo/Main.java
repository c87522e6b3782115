package io.tether.demo;

import io.tether.Channel;
import io.tether.Context;
import io.tether.DumpFormat;
import io.tether.Scope;
import io.tether.Service;
import io.tether.Shutdown;
import io.tether.Supervisor;
import io.tether.Supervisor.Restart;
import io.tether.Tasks;
import io.tether.Ticker;
import io.tether.observe.DebugOptions;
import io.tether.observe.DebugServer;
import io.tether.observe.SignalDump;
import java.net.BindException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An order-picking service built only from Tether, run until SIGINT/SIGTERM (Ctrl-C).
 *
 * <pre>
 * shop (supervisor, one-for-one, at most 10 restarts in 10 s)
 * ├── intake    a ticker turns into orders on the 'orders' channel
 * ├── pickers   8 workers take orders, pick them (a few ms), send receipts; a rare pick fails,
 * │             which fails the pickers and makes the supervisor restart them after a backoff
 * ├── ledger    tallies receipts
 * └── reporter  prints a line every 2 s
 * debug-server   the live page (tether-observe), started first: its URL is the first line
 * restart-log    prints each restart of the shop's children as it happens
 * replies        with --leak: reply tasks nobody takes (a growing 'chan send' group)
 * </pre>
 *
 * <p>Arguments: {@code --for <seconds>} stops by itself after that long (as if signalled); {@code
 * --debug-port <port>} serves the debug page there (default 6060, or a free port if that one is
 * taken; 0: a free one); {@code --dump-every <seconds>} prints the grouped dump that often ({@code
 * kill -USR1 <pid>} prints it at any time); {@code --leak} makes every 10th pick leave behind a
 * reply nobody takes; {@code --fail-one-in <n>} makes one pick in n fail (default 1000).
 */
public final class Main {
  private Main() {}

  /** Counters the children share; read by the reporter. */
  static final class Stats {
    final AtomicLong ordered = new AtomicLong();
    final AtomicLong picked = new AtomicLong();
    final AtomicLong failedPicks = new AtomicLong();
    final AtomicLong booked = new AtomicLong();
    final AtomicLong leaked = new AtomicLong();
  }

  record Order(long id, Instant at) {}

  /** The command line. */
  record Options(
      Duration runFor, Integer debugPort, Duration dumpEvery, boolean leak, int failOneIn) {
    static Options parse(String[] args) {
      Duration runFor = null;
      Integer port = null;
      Duration dumpEvery = null;
      boolean leak = false;
      int failOneIn = FAILURE_ONE_IN;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--for" -> runFor = seconds("--for", value(args, ++i));
          case "--debug-port" -> port = number("--debug-port", value(args, ++i), 0, 65535);
          case "--dump-every" -> dumpEvery = seconds("--dump-every", value(args, ++i));
          case "--leak" -> leak = true;
          case "--fail-one-in" ->
              failOneIn = number("--fail-one-in", value(args, ++i), 1, Integer.MAX_VALUE);
          default ->
              throw new IllegalArgumentException(
                  "unknown argument '"
                      + args[i]
                      + "'; the demo takes --for <s>, --debug-port <port>, --dump-every <s>,"
                      + " --leak, --fail-one-in <n>");
        }
      }
      return new Options(runFor, port, dumpEvery, leak, failOneIn);
    }

    private static String value(String[] args, int i) {
      if (i >= args.length) {
        throw new IllegalArgumentException(args[i - 1] + " needs a value");
      }
      return args[i];
    }

    private static int number(String flag, String s, int min, int max) {
      try {
        int n = Integer.parseInt(s);
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // below
      }
      throw new IllegalArgumentException(
          flag + " takes a whole number from " + min + " to " + max + ", got '" + s + "'");
    }
  }

  record Receipt(long orderId, String picker, Duration took) {}

  /** One pick in this many fails, to show restarts. */
  static final int FAILURE_ONE_IN = 1000;

  public static void main(String[] args) {
    Options options = Options.parse(args);
    System.exit(Shutdown.run(Duration.ofSeconds(5), ctx -> serve(ctx, options)));
  }

  private static Duration seconds(String flag, String s) {
    try {
      long n = Long.parseLong(s);
      if (n >= 0) {
        return Duration.ofSeconds(n);
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(flag + " takes whole seconds, got '" + s + "'");
  }

  /** The debug server on the asked port; on the default one, a free port if 6060 is taken. */
  static DebugServer debugServer(Context ctx, Integer port) throws Exception {
    if (port != null) {
      return DebugServer.start(ctx, DebugOptions.defaults().port(port));
    }
    try {
      return DebugServer.start(ctx, DebugOptions.defaults());
    } catch (BindException e) {
      System.out.println(
          "tether-demo: port " + DebugOptions.DEFAULT_PORT + " is taken; using a free port");
      return DebugServer.start(ctx, DebugOptions.defaults().port(0));
    }
  }

  static void serve(Context ctx, Options options) throws Exception {
    Stats stats = new Stats();
    Channel<Order> orders = Channel.buffered("orders", 256);
    Channel<Receipt> receipts = Channel.buffered("receipts", 256);
    try (DebugServer debug = debugServer(ctx, options.debugPort());
        SignalDump dumps = SignalDump.install();
        Scope replies = Scope.open(ctx, "replies");
        Supervisor shop =
            Supervisor.builder("shop")
                .intensity(10, Duration.ofSeconds(10))
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(2))
                .child("intake", Restart.PERMANENT, c -> intake(c, orders, stats))
                .child(
                    "pickers",
                    Restart.PERMANENT,
                    c ->
                        pickers(
                            c,
                            orders,
                            receipts,
                            stats,
                            options.failOneIn(),
                            options.leak() ? replies : null))
                .child("ledger", Restart.PERMANENT, c -> ledger(c, receipts, stats))
                .child("reporter", Restart.PERMANENT, c -> reporter(c, stats))
                .start(ctx);
        Service restartLog = Service.start(ctx, "restart-log", c -> restartLog(c, shop));
        Service dumper =
            Service.start(
                ctx,
                "dumper",
                c -> {
                  if (options.dumpEvery() != null && !options.dumpEvery().isZero()) {
                    dumpEvery(c, options.dumpEvery());
                  }
                })) {
      System.out.println("tether-demo: debug page at " + debug.url());
      long pid = ProcessHandle.current().pid();
      System.out.println(
          "tether-demo: shop is open (pid "
              + pid
              + "). Ctrl-C or kill "
              + pid
              + " stops it gracefully; kill -USR1 "
              + pid
              + " prints the grouped task dump; kill -QUIT "
              + pid
              + " the JVM's thread dump."
              + (options.leak() ? " Leaking on purpose (--leak): see the 'chan send' group." : ""));
      System.out.println(Tasks.dump(DumpFormat.TREE));
      if (options.runFor() == null) {
        ctx.await();
      } else {
        ctx.await(options.runFor());
      }
      System.out.println(
          "tether-demo: closing: "
              + stats.ordered
              + " ordered, "
              + stats.booked
              + " booked, "
              + shop.restarts().size()
              + " restarts; "
              + (stats.ordered.get() - stats.booked.get())
              + " not booked (failed picks, or still queued when the shop closed)"
              + (options.leak() ? "; " + stats.leaked + " replies leaked on purpose" : ""));
    }
  }

  /**
   * Prints each of the shop's restarts as it happens (within 100 ms): which child, why, and the
   * backoff before it came back. The supervisor keeps the history; this reads what is new.
   */
  static void restartLog(Context c, Supervisor shop) {
    int seen = 0;
    try (Ticker t = Ticker.start(c, Duration.ofMillis(100))) {
      for (Instant tick : t) {
        List<Supervisor.RestartEvent> all = shop.restarts();
        for (; seen < all.size(); seen++) {
          Supervisor.RestartEvent e = all.get(seen);
          System.out.println(
              "tether-demo: restart: '"
                  + e.child()
                  + "' "
                  + e.ended()
                  + (e.cause() == null ? "" : " (" + rootCause(e.cause()) + ")")
                  + (e.restarted().isEmpty()
                      ? ", not restarted"
                      : ", restarted "
                          + e.restarted()
                          + " after "
                          + e.backoff().toMillis()
                          + "ms"));
        }
      }
    }
  }

  /** The innermost cause: the picker's own exception, not the scope's wrapper around it. */
  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** Prints the grouped dump every {@code period}. */
  static void dumpEvery(Context c, Duration period) {
    try (Ticker t = Ticker.start(c, period)) {
      for (Instant tick : t) {
        System.out.print(Tasks.dump(DumpFormat.GROUPED));
      }
    }
  }

  /** Turns ticks into orders; blocks (and so slows down) when the pickers fall behind. */
  static void intake(Context c, Channel<Order> orders, Stats stats) throws InterruptedException {
    try (Ticker t = Ticker.start(c, Duration.ofMillis(5))) {
      for (Instant tick : t) {
        orders.send(c, new Order(stats.ordered.incrementAndGet(), tick));
      }
    }
  }

  /**
   * Eight pickers in one fail-fast scope: one failed pick fails them all (and the child). With
   * {@code replies} (--leak), every 10th pick hands its receipt to a helper task in that scope that
   * sends it on a channel nobody receives from: Go's classic leak, a goroutine blocked forever in
   * {@code chan send}. They end only when the shop closes.
   */
  static void pickers(
      Context c,
      Channel<Order> orders,
      Channel<Receipt> receipts,
      Stats stats,
      int failOneIn,
      Scope replies)
      throws InterruptedException {
    try (Scope crew = Scope.open(c, "crew")) {
      for (int i = 0; i < 8; i++) {
        String name = "picker-" + i;
        crew.go(
            name,
            pc -> {
              while (true) {
                Order o = orders.receive(pc);
                long start = System.nanoTime();
                Thread.sleep(ThreadLocalRandom.current().nextInt(1, 6));
                if (ThreadLocalRandom.current().nextInt(failOneIn) == 0) {
                  stats.failedPicks.incrementAndGet();
                  throw new IllegalStateException(name + " dropped order #" + o.id());
                }
                stats.picked.incrementAndGet();
                Receipt r = new Receipt(o.id(), name, Duration.ofNanos(System.nanoTime() - start));
                if (replies != null && o.id() % 10 == 0) {
                  Channel<Receipt> reply = Channel.unbuffered("reply #" + o.id());
                  stats.leaked.incrementAndGet();
                  replies.go("reply", rc -> reply.send(rc, r)); // nobody ever receives
                }
                receipts.send(pc, r);
              }
            });
      }
      crew.join();
    }
  }

  static void ledger(Context c, Channel<Receipt> receipts, Stats stats)
      throws InterruptedException {
    while (true) {
      receipts.receive(c);
      stats.booked.incrementAndGet();
    }
  }

  static void reporter(Context c, Stats stats) {
    Instant start = Instant.now();
    try (Ticker t = Ticker.start(c, Duration.ofSeconds(2))) {
      for (Instant tick : t) {
        System.out.println(
            "tether-demo: t="
                + Duration.between(start, tick).toSeconds()
                + "s ordered "
                + stats.ordered
                + ", picked "
                + stats.picked
                + ", failed picks "
                + stats.failedPicks
                + ", booked "
                + stats.booked
                + ", registry entries "
                + Tasks.snapshot().size());
      }
    }
  }
}
