/**
 * Tether for gRPC: deadlines and cancellation that cross the process edge. A server call gets a
 * Tether {@code Context} ({@link io.tether.grpc.ServerContexts}); a client call runs under one
 * ({@link io.tether.grpc.ClientContexts}).
 *
 * <p>grpc-java's jars are automatic modules ({@code io.grpc}, {@code io.grpc.stub}).
 */
module io.tether.grpc {
  requires transitive io.tether;
  requires transitive io.grpc;
  requires transitive io.grpc.stub;

  exports io.tether.grpc;
}
