package io.meshgate.app.mesh;

import io.meshgate.app.GatewayExtension;
import io.meshgate.app.certs.DevCertificateAuthority;
import io.meshgate.app.certs.LeafSpec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SNIHostName;
import reactor.netty.http.client.HttpClient;

/**
 * A mesh client for integration tests: a development CA, the mesh listener's certificate (for
 * {@value #SERVER_NAME} and 127.0.0.1) and a client certificate naming a SPIFFE ID, written to a
 * temporary directory; {@link #configure} turns the gateway's mesh listener on with them and {@link
 * #get} sends a request over mutual TLS with Reactor Netty's client (SNI {@value #SERVER_NAME}).
 */
public final class MeshClient {

    public static final String SERVER_NAME = "meshgate.mesh.test";

    private final Path dir;
    private final String identity;
    private final SslContext ssl;

    private MeshClient(Path dir, String identity, SslContext ssl) {
        this.dir = dir;
        this.identity = identity;
        this.ssl = ssl;
    }

    /** Certificates for a client whose identity is {@code spiffeId}. */
    public static MeshClient withIdentity(String spiffeId) {
        try {
            Path dir = Files.createTempDirectory("meshgate-mesh-client-");
            DevCertificateAuthority ca = DevCertificateAuthority.create("mesh CA");
            Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
            ca.issue(LeafSpec.server(SERVER_NAME).withIpAddresses("127.0.0.1"))
                    .write(dir.resolve("server.crt"), dir.resolve("server.key"));
            ca.issue(LeafSpec.client("client", spiffeId)).write(dir.resolve("client.crt"), dir.resolve("client.key"));
            SslContext ssl = SslContextBuilder.forClient()
                    .keyManager(
                            dir.resolve("client.crt").toFile(),
                            dir.resolve("client.key").toFile())
                    .trustManager(dir.resolve("ca.crt").toFile())
                    .build();
            return new MeshClient(dir, spiffeId, ssl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String identity() {
        return identity;
    }

    /** The gateway with its mesh listener on 127.0.0.1, a free port, and these certificates. */
    public GatewayExtension configure(GatewayExtension gateway) {
        return gateway.arg("--meshgate.mesh.port=0")
                .arg("--meshgate.mesh.address=127.0.0.1")
                .arg("--meshgate.mesh.certificate=" + dir.resolve("server.crt"))
                .arg("--meshgate.mesh.private-key=" + dir.resolve("server.key"))
                .arg("--meshgate.mesh.client-ca=" + dir.resolve("ca.crt"));
    }

    /**
     * A GET over the mesh listener with the client certificate: the status and the body.
     *
     * @param headers request header names and values, one after the other
     */
    public Response get(GatewayExtension gateway, String path, String... headers) {
        int port = gateway.context().getBean(MeshServer.class).port();
        return HttpClient.create()
                .secure(spec -> spec.sslContext(ssl).serverNames(new SNIHostName(SERVER_NAME)))
                .responseTimeout(Duration.ofSeconds(10))
                .headers(sent -> {
                    for (int i = 0; i + 1 < headers.length; i += 2) {
                        sent.set(headers[i], headers[i + 1]);
                    }
                })
                .get()
                .uri("https://127.0.0.1:" + port + path)
                .responseSingle((response, body) -> body.asString()
                        .defaultIfEmpty("")
                        .map(text -> new Response(response.status().code(), text)))
                .block(Duration.ofSeconds(30));
    }

    /** A response's status and body. */
    public record Response(int status, String body) {}
}
