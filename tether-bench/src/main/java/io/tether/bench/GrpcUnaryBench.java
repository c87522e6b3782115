package io.tether.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.tether.CancellableContext;
import io.tether.Context;
import io.tether.grpc.ClientContexts;
import io.tether.grpc.ServerContexts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-call cost of tether-grpc's interceptors: one unary call over loopback (grpc-netty, a real
 * socket on 127.0.0.1), plain grpc-java next to the same call with Tether on the server, and on
 * both sides. All three carry a deadline (a 10 s one), so that each pays for {@code grpc-timeout}.
 *
 * <ul>
 *   <li>{@code unary_plain}: blocking stub with {@code withDeadlineAfter(10 s)}, no interceptors.
 *   <li>{@code unary_tetherServer}: the same call to a server with {@link ServerContexts} (per
 *       call: a stream tracer, a context with the deadline, a scope in the registry, the listener
 *       wrappers, the cancel and close at the end).
 *   <li>{@code unary_tetherBoth}: the server as above, and the client call made with {@code
 *       ClientContexts.under(ctx, stub)} on a context with a 10 s deadline (per call: a stub copy,
 *       a gRPC context, an {@code afterDone} registration and its removal).
 * </ul>
 *
 * Both servers run handlers on the transport thread ({@code directExecutor}) to keep executor
 * hand-offs out of the difference.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = ScopeCancelBench.FORKS,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class GrpcUnaryBench {

  private static final MethodDescriptor.Marshaller<String> UTF8 =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("Bench", "Echo"))
          .setRequestMarshaller(UTF8)
          .setResponseMarshaller(UTF8)
          .build();

  /** A stub as protoc would generate one, for {@code ClientContexts.under}. */
  static final class Stub extends AbstractStub<Stub> {
    Stub(io.grpc.Channel channel, CallOptions options) {
      super(channel, options);
    }

    @Override
    protected Stub build(io.grpc.Channel channel, CallOptions options) {
      return new Stub(channel, options);
    }

    String echo(String request) {
      return ClientCalls.blockingUnaryCall(getChannel(), ECHO, getCallOptions(), request);
    }
  }

  private Server plainServer;
  private Server tetherServer;
  private ManagedChannel toPlain;
  private ManagedChannel toTether;
  private Stub plainStub;
  private Stub tetherStub;
  private CancellableContext ctx;

  private static Server start(UnaryOperator<NettyServerBuilder> setup) throws IOException {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("Bench")
            .addMethod(
                ECHO,
                ServerCalls.asyncUnaryCall(
                    (String request, io.grpc.stub.StreamObserver<String> out) -> {
                      out.onNext(request);
                      out.onCompleted();
                    }))
            .build();
    return setup
        .apply(
            NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .directExecutor()
                .addService(service))
        .build()
        .start();
  }

  private static ManagedChannel channel(Server server) {
    return NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", server.getPort()))
        .usePlaintext()
        .directExecutor()
        .build();
  }

  @Setup
  public void setup() throws IOException {
    plainServer = start(b -> b);
    tetherServer = start(ServerContexts.create()::install);
    toPlain = channel(plainServer);
    toTether = channel(tetherServer);
    plainStub = new Stub(toPlain, CallOptions.DEFAULT);
    tetherStub = new Stub(toTether, CallOptions.DEFAULT);
    ctx = Context.background().withTimeout(Duration.ofHours(1));
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    ctx.cancel();
    toPlain.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    toTether.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    plainServer.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    tetherServer.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  @Benchmark
  public String unary_plain() {
    return plainStub.withDeadlineAfter(10, TimeUnit.SECONDS).echo("x");
  }

  @Benchmark
  public String unary_tetherServer() {
    return tetherStub.withDeadlineAfter(10, TimeUnit.SECONDS).echo("x");
  }

  @Benchmark
  public String unary_tetherBoth() {
    try (CancellableContext call = ctx.withTimeout(Duration.ofSeconds(10))) {
      return ClientContexts.under(call, tetherStub).echo("x");
    }
  }
}
