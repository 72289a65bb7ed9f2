package io.meshgate.app.protocols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.meshgate.app.GatewayExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gRPC through the gateway with grpc-java on both ends: the client speaks h2c (prior knowledge) to
 * the plain traffic port (on by default), the gateway h2c ({@code protocol: h2c}) to the server. Unary and streaming calls,
 * and error statuses (in trailers after messages, and trailers-only), arrive intact on both request
 * paths ({@code direct.Echo} has a filter-less route, {@code filtered.Echo} a route with a filter).
 */
class GrpcIT {

    static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
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

    static final Metadata.Key<String> SEEN_BY = Metadata.Key.of("x-seen-by", Metadata.ASCII_STRING_MARSHALLER);

    static final Server SERVER = startServer();

    @RegisterExtension
    static GatewayExtension gateway = GatewayExtension.withUpstreams()
            .routes(
                    """
                    upstreams:
                      grpc: { protocol: h2c, endpoints: [{ address: "127.0.0.1:%d" }] }
                    routes:
                      - { id: direct, match: { path: /direct.Echo/** }, upstream: grpc }
                      - { id: filtered, match: { path: /filtered.Echo/** }, upstream: grpc, filters: [ "AddRequestHeader=x-path, scg" ] }
                    """
                            .formatted(SERVER.getPort()));

    static ManagedChannel channel;

    @AfterAll
    static void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        SERVER.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static Server startServer() {
        try {
            NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
            for (String service : List.of("direct.Echo", "filtered.Echo")) {
                builder.addService(service(service));
            }
            return builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MethodDescriptor<String, String> method(String service, String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<String, String>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, name))
                .setRequestMarshaller(TEXT)
                .setResponseMarshaller(TEXT)
                .build();
    }

    private static ServerServiceDefinition service(String service) {
        return ServerServiceDefinition.builder(service)
                .addMethod(
                        method(service, "Unary", MethodDescriptor.MethodType.UNARY),
                        ServerCalls.asyncUnaryCall((String request, StreamObserver<String> response) -> {
                            if (request.startsWith("missing")) {
                                response.onError(Status.NOT_FOUND
                                        .withDescription("no order " + request.substring(8))
                                        .asRuntimeException());
                                return;
                            }
                            response.onNext("hello " + request);
                            response.onCompleted();
                        }))
                .addMethod(
                        method(service, "Count", MethodDescriptor.MethodType.SERVER_STREAMING),
                        ServerCalls.asyncServerStreamingCall((String request, StreamObserver<String> response) -> {
                            int n = Integer.parseInt(request);
                            for (int i = 1; i <= n; i++) {
                                response.onNext("item " + i);
                            }
                            if (n == 2) {
                                Metadata trailers = new Metadata();
                                trailers.put(SEEN_BY, "upstream");
                                response.onError(Status.RESOURCE_EXHAUSTED
                                        .withDescription("stopped after 2")
                                        .asRuntimeException(trailers));
                                return;
                            }
                            response.onCompleted();
                        }))
                .addMethod(
                        method(service, "Chat", MethodDescriptor.MethodType.BIDI_STREAMING),
                        ServerCalls.asyncBidiStreamingCall(
                                (StreamObserver<String> replies) -> new StreamObserver<String>() {
                                    @Override
                                    public void onNext(String message) {
                                        replies.onNext("echo " + message);
                                    }

                                    @Override
                                    public void onError(Throwable t) {}

                                    @Override
                                    public void onCompleted() {
                                        replies.onCompleted();
                                    }
                                }))
                .build();
    }

    private static synchronized ManagedChannel channel() {
        if (channel == null) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port())
                    .usePlaintext()
                    .build();
        }
        return channel;
    }

    private static CallOptions options() {
        return CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct.Echo", "filtered.Echo"})
    void unaryCall(String service) {
        String answer = ClientCalls.blockingUnaryCall(
                channel(), method(service, "Unary", MethodDescriptor.MethodType.UNARY), options(), "meshgate");

        assertThat(answer).isEqualTo("hello meshgate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct.Echo", "filtered.Echo"})
    void errorStatusWithoutMessagesArrivesWithItsDescription(String service) {
        StatusRuntimeException error = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(
                        channel(),
                        method(service, "Unary", MethodDescriptor.MethodType.UNARY),
                        options(),
                        "missing 42"));

        assertThat(error).isNotNull();
        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(error.getStatus().getDescription()).isEqualTo("no order 42");
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct.Echo", "filtered.Echo"})
    void serverStreamingCallEndsWithOkTrailers(String service) {
        Iterator<String> items = ClientCalls.blockingServerStreamingCall(
                channel(), method(service, "Count", MethodDescriptor.MethodType.SERVER_STREAMING), options(), "5");
        List<String> received = new ArrayList<>();
        items.forEachRemaining(received::add);

        assertThat(received).containsExactly("item 1", "item 2", "item 3", "item 4", "item 5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct.Echo", "filtered.Echo"})
    void errorStatusAfterMessagesArrivesInTrailers(String service) {
        Iterator<String> items = ClientCalls.blockingServerStreamingCall(
                channel(), method(service, "Count", MethodDescriptor.MethodType.SERVER_STREAMING), options(), "2");
        List<String> received = new ArrayList<>();
        StatusRuntimeException error =
                catchThrowableOfType(StatusRuntimeException.class, () -> items.forEachRemaining(received::add));

        assertThat(received).containsExactly("item 1", "item 2");
        assertThat(error).isNotNull();
        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(error.getStatus().getDescription()).isEqualTo("stopped after 2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct.Echo", "filtered.Echo"})
    void bidiStreamingInterleavesMessagesBothWays(String service) throws Exception {
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        CompletableFuture<Status> closed = new CompletableFuture<>();
        StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(
                channel().newCall(method(service, "Chat", MethodDescriptor.MethodType.BIDI_STREAMING), options()),
                new StreamObserver<String>() {
                    @Override
                    public void onNext(String value) {
                        answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        closed.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        closed.complete(Status.OK);
                    }
                });
        // Each answer arrives before the next message is sent: the call streams both ways at once.
        for (String message : List.of("one", "two", "three")) {
            requests.onNext(message);
            assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo("echo " + message);
        }
        requests.onCompleted();

        assertThat(closed.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
    }
}
