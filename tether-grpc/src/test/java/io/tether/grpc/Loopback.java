package io.tether.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * gRPC servers and channels over real sockets on 127.0.0.1, sharing one event loop group and one
 * virtual-thread executor that this fixture owns, so that {@link #close()} leaves no thread behind
 * (gRPC's shared default executors and event loops would linger for a second after the last user
 * and then show up in the leak check).
 */
final class Loopback implements AutoCloseable {
  private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** Starts a server for {@code service} with Tether's call contexts; returns its port. */
  int serve(ServerContexts contexts, ServerServiceDefinition service) throws IOException {
    return serve(contexts::install, service);
  }

  /** Starts a server for {@code service}, set up by {@code setup}; returns its port. */
  int serve(UnaryOperator<NettyServerBuilder> setup, ServerServiceDefinition service)
      throws IOException {
    Server server =
        setup
            .apply(
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .channelType(NioServerSocketChannel.class)
                    .bossEventLoopGroup(loop)
                    .workerEventLoopGroup(loop)
                    .executor(executor)
                    .addService(service))
            .build()
            .start();
    servers.add(server);
    return server.getPort();
  }

  /** A plaintext channel to {@code port} on 127.0.0.1. */
  ManagedChannel channel(int port) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .channelType(NioSocketChannel.class)
            .eventLoopGroup(loop)
            .executor(executor)
            .usePlaintext()
            .build();
    channels.add(channel);
    return channel;
  }

  /** Shuts down every channel and server and waits until they, the loop and the executor end. */
  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (Server s : servers) {
      s.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      if (!c.awaitTermination(20, TimeUnit.SECONDS)) {
        throw new AssertionError("channel did not terminate: " + c);
      }
    }
    for (Server s : servers) {
      if (!s.awaitTermination(20, TimeUnit.SECONDS)) {
        throw new AssertionError("server did not terminate: " + s);
      }
    }
    executor.close();
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    if (!loop.awaitTermination(20, TimeUnit.SECONDS)) {
      throw new AssertionError("event loop group did not terminate: " + loop);
    }
  }
}
