package io.tether.grpc;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A hand-built gRPC service "ShopService" with unary String methods: no protoc, the method
 * descriptors and a UTF-8 marshaller are written out here.
 */
final class Shop {
  private Shop() {}

  static final String SERVICE = "ShopService";

  /** A unary handler; it runs on gRPC's executor, where ServerContexts.current() works. */
  interface Handler {
    String handle(String request) throws Exception;
  }

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

  static MethodDescriptor<String, String> method(String name) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(UTF8)
        .setResponseMarshaller(UTF8)
        .build();
  }

  /** The service with one unary method per entry. */
  static ServerServiceDefinition service(Map<String, Handler> handlers) {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(SERVICE);
    handlers.forEach((name, h) ->
        b.addMethod(
            method(name),
            ServerCalls.asyncUnaryCall((String request, StreamObserver<String> out) -> {
              String reply;
              try {
                reply = h.handle(request);
              } catch (Exception e) {
                try {
                  out.onError(Status.fromThrowable(e).asException());
                } catch (RuntimeException alreadyEnded) {
                  // the call was cancelled: nobody is listening any more
                }
                return;
              }
              try {
                out.onNext(reply);
                out.onCompleted();
              } catch (RuntimeException alreadyEnded) {
                // the call was cancelled while the handler ran
              }
            })));
    return b.build();
  }

  /** A stub as protoc would generate it: blocking, future and async forms of each call. */
  static final class Stub extends AbstractStub<Stub> {
    Stub(Channel channel) {
      super(channel, CallOptions.DEFAULT);
    }

    private Stub(Channel channel, CallOptions options) {
      super(channel, options);
    }

    @Override
    protected Stub build(Channel channel, CallOptions options) {
      return new Stub(channel, options);
    }

    String call(String method, String request) {
      return ClientCalls.blockingUnaryCall(getChannel(), method(method), getCallOptions(), request);
    }

    ListenableFuture<String> future(String method, String request) {
      return ClientCalls.futureUnaryCall(
          getChannel().newCall(method(method), getCallOptions()), request);
    }

    void async(String method, String request, StreamObserver<String> out) {
      ClientCalls.asyncUnaryCall(
          getChannel().newCall(method(method), getCallOptions()), request, out);
    }
  }
}
