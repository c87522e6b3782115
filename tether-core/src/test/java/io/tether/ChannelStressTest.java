package io.tether;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.testing.Bounded;
import java.util.BitSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 4 producers x 4 consumers over every capacity, with a close in the middle of the traffic: nothing
 * lost, nothing duplicated, and a select never takes two values.
 */
class ChannelStressTest {
  private static final int PRODUCERS = 4;
  private static final int CONSUMERS = 4;
  private static final int PER_PRODUCER = 150_000;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 16, 1024})
  void closeInTheMiddleLosesAndDuplicatesNothing(int capacity) throws Exception {
    Channel<Integer> ch = Channel.buffered(capacity);
    Channel<Integer> side = Channel.buffered(capacity); // consumers also select over it
    ConcurrentLinkedQueue<int[]> sentChunks = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<int[]> gotChunks = new ConcurrentLinkedQueue<>();
    AtomicLong selectsThatTookTwo = new AtomicLong();
    CountDownLatch halfway = new CountDownLatch(1);
    AtomicLong totalSent = new AtomicLong();
    try (Scope scope = Scope.open(Context.background(), "stress-" + capacity)) {
      for (int p = 0; p < PRODUCERS; p++) {
        int base = p * PER_PRODUCER;
        scope.go(c -> {
          int[] sent = new int[PER_PRODUCER];
          int n = 0;
          try {
            for (int i = 0; i < PER_PRODUCER; i++) {
              ch.send(base + i);
              sent[n++] = base + i;
              if (totalSent.incrementAndGet() == PRODUCERS * PER_PRODUCER / 2) {
                halfway.countDown();
              }
            }
          } catch (ChannelClosedException expected) {
            // the close stopped this producer: the value in hand was not sent
          } finally {
            sentChunks.add(java.util.Arrays.copyOf(sent, n));
          }
        });
      }
      for (int k = 0; k < CONSUMERS; k++) {
        boolean useSelect = k % 2 == 1;
        scope.go(c -> {
          int[] got = new int[PRODUCERS * PER_PRODUCER];
          int n = 0;
          while (true) {
            if (useSelect) {
              int[] taken = new int[1];
              Integer v =
                  Select.select(
                      ch.onReceiveOrClosed(
                          x -> {
                            taken[0]++;
                            return x;
                          },
                          () -> null),
                      side.onReceive(x -> {
                        taken[0]++;
                        return x;
                      }));
              if (taken[0] > 1) {
                selectsThatTookTwo.incrementAndGet();
              }
              if (v == null) {
                break;
              }
              got[n++] = v;
            } else {
              try {
                got[n++] = ch.receive();
              } catch (ChannelClosedException closedAndDrained) {
                n--;
                break;
              }
            }
          }
          gotChunks.add(java.util.Arrays.copyOf(got, n));
        });
      }
      Bounded.await(halfway);
      ch.close();
      scope.join();
    }
    BitSet sent = new BitSet();
    long sentCount = 0;
    for (int[] chunk : sentChunks) {
      for (int v : chunk) {
        sent.set(v);
        sentCount++;
      }
    }
    BitSet got = new BitSet();
    long gotCount = 0;
    for (int[] chunk : gotChunks) {
      for (int v : chunk) {
        assertThat(got.get(v)).as("value %d received twice", v).isFalse();
        got.set(v);
        gotCount++;
      }
    }
    assertThat(sentCount).isGreaterThanOrEqualTo(PRODUCERS * PER_PRODUCER / 2);
    assertThat(gotCount).as("received = sent").isEqualTo(sentCount);
    assertThat(got).isEqualTo(sent);
    assertThat(selectsThatTookTwo.get()).isZero();
  }
}
