package io.tether.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

/**
 * {@link ChannelPingPongBench} on one carrier: the same benchmarks (unbuffered ping-pong and
 * one-way stream; Tether, jox, {@link java.util.concurrent.SynchronousQueue}, {@link
 * java.util.concurrent.LinkedTransferQueue}), inherited unchanged, with the virtual-thread
 * scheduler's parallelism set to 1 ({@value #ONE_CARRIER}) in every fork.
 *
 * <p>Why: issue 16 asks for ping-pong and stream on 2 carriers and on 1. On 2 carriers a waiter can
 * spin while its partner, on the other carrier, makes progress, so a short spin often catches the
 * hand-off without parking. On 1 carrier the partner cannot run while the waiter holds the carrier:
 * spinning cannot help, and every hand-off goes through yield or park and unpark. This class
 * measures that path: how quickly each peer gives the carrier up and gets it back.
 *
 * <p>Only the parallelism changes. The property {@code jdk.virtualThreadScheduler.maxPoolSize} is
 * left at its default: it bounds the extra carriers the scheduler may add to make up for a virtual
 * thread that keeps its carrier while blocked (pinned, or in some blocking I/O), which none of
 * these benchmarks does. {@link #checkOneCarrier} checks, at the start of each fork, that two
 * virtual threads cannot run at the same time.
 *
 * <p>JMH runs the {@code @Benchmark} methods of the superclass under this class's name, with this
 * class's {@link Fork} (the superclass's trial setup and iteration teardown run too).
 */
@Fork(
    value = ChannelPingPongBench.FORKS,
    jvmArgsAppend = {
      ScopeSpawnBench.VIRTUAL_DRIVER,
      ScopeSpawnBench.XMS,
      ScopeSpawnBench.XMX,
      ChannelPingPongOneCarrierBench.ONE_CARRIER
    })
public class ChannelPingPongOneCarrierBench extends ChannelPingPongBench {

  static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

  static final String ONE_CARRIER = "-D" + PARALLELISM + "=1";

  /**
   * How long a virtual thread spins waiting for a second one to run beside it. With one carrier the
   * second cannot run until the first gives the carrier up, so this is how long the check takes;
   * with two, the second runs within microseconds.
   */
  static final long SPIN_MILLIS = 100;

  /**
   * Fails the fork unless it runs on one carrier: the property must say 1, and a second virtual
   * thread must not run while a first one spins without yielding.
   */
  @Setup(Level.Trial)
  public void checkOneCarrier() throws InterruptedException {
    String p = System.getProperty(PARALLELISM);
    if (!"1".equals(p)) {
      throw new IllegalStateException(
          PARALLELISM + " is " + p + ", not 1: run the fork with " + ONE_CARRIER);
    }
    AtomicBoolean secondRan = new AtomicBoolean();
    AtomicBoolean sawSecond = new AtomicBoolean();
    CountDownLatch secondDone = new CountDownLatch(1);
    Thread first =
        Thread.ofVirtual()
            .start(() -> {
              Thread.ofVirtual()
                  .start(() -> {
                    secondRan.set(true);
                    secondDone.countDown();
                  });
              long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SPIN_MILLIS);
              while (System.nanoTime() < end) {
                if (secondRan.get()) {
                  sawSecond.set(true);
                  return;
                }
                Thread.onSpinWait();
              }
            });
    first.join();
    if (!secondDone.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the second virtual thread of the carrier check never ran");
    }
    if (sawSecond.get()) {
      throw new IllegalStateException(
          "two virtual threads ran at the same time: more than one carrier, although "
              + PARALLELISM
              + " is 1");
    }
  }
}
