package io.tether.observe;

import io.tether.Channel;
import io.tether.Context;
import io.tether.Scope;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The child JVM of {@link SignalDumpTest}: three tasks parked in {@code chan receive}, the dump
 * handler on SIGUSR1; prints {@code ready} when both are in place and ends when its stdin closes.
 */
public final class SignalChild {
  private SignalChild() {}

  public static void main(String[] args) throws Exception {
    Channel<String> never = Channel.unbuffered("never");
    try (SignalDump dumps = SignalDump.install();
        Scope waiters = Scope.open(Context.background(), "waiters")) {
      for (int i = 0; i < 3; i++) {
        waiters.go("waiter", c -> never.receive(c));
      }
      System.out.println("ready " + dumps);
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      while (in.readLine() != null) {
        // until the test closes our stdin
      }
      waiters.cancel();
    }
  }
}
