package io.meshgate.app.protocols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.meshgate.app.GatewayExtension;
import io.meshgate.app.certs.DevCertificateAuthority;
import io.meshgate.app.certs.LeafSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * gRPC from a grpc-java client over h2 on the gateway's TLS listener (ALPN), to an h2c upstream:
 * unary, server streaming and an error status arrive as on the plain listener ({@link GrpcIT}).
 */
class GrpcTlsIT {

    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("meshgate-grpc-tls-");
            DevCertificateAuthority ca = DevCertificateAuthority.create("grpc test CA");
            Files.writeString(DIR.resolve("ca.pem"), ca.certificatePem());
            ca.issue(LeafSpec.server("grpc.example.com"))
                    .write(DIR.resolve("gateway.pem"), DIR.resolve("gateway-key.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final Server SERVER = GrpcIT.startServer();

    @RegisterExtension
    static GatewayExtension gateway = GatewayExtension.withUpstreams()
            .arg("--meshgate.tls.certificates[0].certificate=" + DIR.resolve("gateway.pem"))
            .arg("--meshgate.tls.certificates[0].private-key=" + DIR.resolve("gateway-key.pem"))
            .routes(
                    """
                    upstreams:
                      grpc: { protocol: h2c, endpoints: [{ address: "127.0.0.1:%d" }] }
                    routes:
                      - { id: direct, match: { path: /direct.Echo/** }, upstream: grpc }
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

    private static synchronized ManagedChannel channel() throws SSLException {
        if (channel == null) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port())
                    .overrideAuthority("grpc.example.com")
                    .sslContext(GrpcSslContexts.forClient()
                            .trustManager(DIR.resolve("ca.pem").toFile())
                            .build())
                    .build();
        }
        return channel;
    }

    private static CallOptions options() {
        return CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @Test
    void unaryAndServerStreamingCallsOverH2() throws SSLException {
        assertThat(ClientCalls.blockingUnaryCall(
                        channel(),
                        GrpcIT.method("direct.Echo", "Unary", MethodDescriptor.MethodType.UNARY),
                        options(),
                        "tls"))
                .isEqualTo("hello tls");
        List<String> items = new ArrayList<>();
        ClientCalls.blockingServerStreamingCall(
                        channel(),
                        GrpcIT.method("direct.Echo", "Count", MethodDescriptor.MethodType.SERVER_STREAMING),
                        options(),
                        "3")
                .forEachRemaining(items::add);
        assertThat(items).containsExactly("item 1", "item 2", "item 3");
    }

    @Test
    void errorStatusArrives() {
        StatusRuntimeException error = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(
                        channel(),
                        GrpcIT.method("direct.Echo", "Unary", MethodDescriptor.MethodType.UNARY),
                        options(),
                        "missing 7"));

        assertThat(error).isNotNull();
        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(error.getStatus().getDescription()).isEqualTo("no order 7");
    }
}
