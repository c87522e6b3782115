package io.tether.bench;

import io.tether.Context;
import io.tether.DumpFormat;
import io.tether.Scope;
import io.tether.Tasks;
import io.tether.observe.DebugOptions;
import io.tether.observe.DebugServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Serving the debug endpoint for 100,000 live tasks ({@code tether-observe}): one whole HTTP
 * request over loopback, from the request to the last byte of the body, next to the dump itself in
 * memory ({@link Tasks#dump}, the floor: what the server adds is the difference), in the same JVM
 * run. Target: under 200 ms, like the dump.
 *
 * <p>The 100,000 tasks are spawned once per trial and stay parked in {@code c.await()}; the server
 * listens on a free loopback port with the default options; the client is the JDK's {@link
 * HttpClient}, one connection kept alive.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = TaskDumpBench.FORKS,
    jvmArgsAppend = {ScopeSpawnBench.VIRTUAL_DRIVER, ScopeSpawnBench.XMS, ScopeSpawnBench.XMX})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class DebugServerServeBench {

  final Thread[] threads = new Thread[TaskDumpBench.TASKS];
  Scope scope;
  DebugServer server;
  HttpClient client;
  HttpRequest grouped;
  HttpRequest json;

  @Setup(Level.Trial)
  public void start() throws Exception {
    CountDownLatch parked = new CountDownLatch(TaskDumpBench.TASKS);
    scope = Scope.open(Context.background(), "app");
    for (int i = 0; i < TaskDumpBench.TASKS; i++) {
      int slot = i;
      scope.go(
          "worker",
          c -> {
            threads[slot] = Thread.currentThread();
            parked.countDown();
            c.await();
          });
    }
    ScopeCancelBench.awaitAllParked(parked, threads);
    server = DebugServer.start(Context.background(), DebugOptions.defaults().port(0));
    client = HttpClient.newHttpClient();
    URI base = server.url();
    grouped = HttpRequest.newBuilder(base.resolve("tasks?format=grouped")).build();
    json = HttpRequest.newBuilder(base.resolve("tasks?format=json")).build();
    // One of each before timing: the answers must be whole, not cut or refused.
    check(get(grouped), TaskDumpBench.TASKS + " x task RUNNING, ctx.await");
    check(get(json), "\"name\":\"worker\"");
  }

  private static void check(HttpResponse<byte[]> r, String expected) {
    String head = new String(r.body(), 0, Math.min(r.body().length, 4096));
    if (r.statusCode() != 200
        || !head.contains(expected) && !new String(r.body()).contains(expected)) {
      throw new IllegalStateException(
          "the debug server answered " + r.statusCode() + " without '" + expected + "': " + head);
    }
  }

  private HttpResponse<byte[]> get(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  @TearDown(Level.Trial)
  public void stop() {
    client.close();
    server.close();
    scope.cancel();
    scope.close();
  }

  /** GET /debug/tether/tasks?format=grouped: the bytes of the body. */
  @Benchmark
  public int serveGrouped() throws IOException, InterruptedException {
    return get(grouped).body().length;
  }

  /** GET /debug/tether/tasks?format=json: the bytes of the body. */
  @Benchmark
  public int serveJson() throws IOException, InterruptedException {
    return get(json).body().length;
  }

  /** The floor: the grouped dump in memory. */
  @Benchmark
  public int dumpGrouped() {
    return Tasks.dump(DumpFormat.GROUPED).length();
  }

  /** The floor: the JSON dump in memory. */
  @Benchmark
  public int dumpJson() {
    return Tasks.dump(DumpFormat.JSON).length();
  }
}
