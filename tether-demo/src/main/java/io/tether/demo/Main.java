package io.tether.demo;

import io.tether.Channel;
import io.tether.Context;
import io.tether.DumpFormat;
import io.tether.Scope;
import io.tether.Shutdown;
import io.tether.Supervisor;
import io.tether.Supervisor.Restart;
import io.tether.Tasks;
import io.tether.Ticker;
import java.time.Duration;
import java.time.Instant;
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
 * </pre>
 *
 * <p>Arguments: {@code --for <seconds>} stops by itself after that long (as if signalled).
 */
public final class Main {
  private Main() {}

  /** Counters the children share; read by the reporter. */
  static final class Stats {
    final AtomicLong ordered = new AtomicLong();
    final AtomicLong picked = new AtomicLong();
    final AtomicLong failedPicks = new AtomicLong();
    final AtomicLong booked = new AtomicLong();
  }

  record Order(long id, Instant at) {}

  record Receipt(long orderId, String picker, Duration took) {}

  /** One pick in this many fails, to show restarts. */
  static final int FAILURE_ONE_IN = 1000;

  public static void main(String[] args) {
    Duration runFor = args.length == 2 && args[0].equals("--for") ? seconds(args[1]) : null;
    System.exit(Shutdown.run(Duration.ofSeconds(5), ctx -> serve(ctx, runFor)));
  }

  private static Duration seconds(String s) {
    try {
      return Duration.ofSeconds(Long.parseLong(s));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--for takes whole seconds, got '" + s + "'", e);
    }
  }

  static void serve(Context ctx, Duration runFor) throws Exception {
    Stats stats = new Stats();
    Channel<Order> orders = Channel.buffered("orders", 256);
    Channel<Receipt> receipts = Channel.buffered("receipts", 256);
    try (Supervisor shop =
        Supervisor.builder("shop")
            .intensity(10, Duration.ofSeconds(10))
            .backoff(Duration.ofMillis(50), Duration.ofSeconds(2))
            .child("intake", Restart.PERMANENT, c -> intake(c, orders, stats))
            .child("pickers", Restart.PERMANENT, c -> pickers(c, orders, receipts, stats))
            .child("ledger", Restart.PERMANENT, c -> ledger(c, receipts, stats))
            .child("reporter", Restart.PERMANENT, c -> reporter(c, stats))
            .start(ctx)) {
      long pid = ProcessHandle.current().pid();
      System.out.println(
          "tether-demo: shop is open (pid "
              + pid
              + "). Ctrl-C or kill "
              + pid
              + " stops it gracefully; kill -QUIT "
              + pid
              + " prints the JVM's thread dump.");
      System.out.println(Tasks.dump(DumpFormat.TREE));
      if (runFor == null) {
        ctx.await();
      } else {
        ctx.await(runFor);
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
              + " not booked (failed picks, or still queued when the shop closed)");
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

  /** Eight pickers in one fail-fast scope: one failed pick fails them all (and the child). */
  static void pickers(Context c, Channel<Order> orders, Channel<Receipt> receipts, Stats stats)
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
                if (ThreadLocalRandom.current().nextInt(FAILURE_ONE_IN) == 0) {
                  stats.failedPicks.incrementAndGet();
                  throw new IllegalStateException(name + " dropped order #" + o.id());
                }
                stats.picked.incrementAndGet();
                receipts.send(
                    pc, new Receipt(o.id(), name, Duration.ofNanos(System.nanoTime() - start)));
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
