package io.tether;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The child JVM of {@link ShutdownEndToEndTest}: a small service run by {@link Shutdown#run}. It
 * prints {@code ready} on stdout once its workers run; the test then signals it.
 */
public final class ShutdownMain {
  private ShutdownMain() {}

  public static void main(String[] args) {
    String scenario = args[0];
    Duration grace = Duration.ofMillis(Long.parseLong(args[1]));
    int code =
        Shutdown.run(
            grace,
            ctx -> {
              if (scenario.equals("fail")) {
                throw new IllegalStateException("config file missing");
              }
              if (scenario.equals("fail-on-stop")) {
                // A service whose body fails while the shutdown drains: law L4, not a clean exit.
                try (Service flusher =
                    Service.start(
                        ctx,
                        "flusher",
                        c -> {
                          c.await();
                          throw new java.io.IOException("flush failed while stopping");
                        })) {
                  System.out.println("ready");
                  System.out.flush();
                  ctx.await();
                }
                return;
              }
              try (Scope workers = Scope.open(ctx, "workers")) {
                for (int i = 0; i < 3; i++) {
                  workers.go("worker-" + i, Context::await);
                }
                if (scenario.equals("stuck")) {
                  workers.go("stubborn", c -> ignoreCancellation());
                }
                System.out.println("ready");
                System.out.flush();
                ctx.await();
              }
            });
    System.exit(code);
  }

  /** A badly written task: swallows every interrupt and never checks its context. */
  private static void ignoreCancellation() {
    CountDownLatch never = new CountDownLatch(1);
    while (true) {
      try {
        never.await();
      } catch (InterruptedException e) {
        System.out.println("stubborn ignored a cancellation");
        System.out.flush();
      }
    }
  }
}
