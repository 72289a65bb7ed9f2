package io.meshgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The route file's {@code protocol} and {@code tls} as the gateway gets them. */
class UpstreamTransportBindingTest {

    @TempDir
    Path dir;

    private RouteConfig load(String upstreams) throws IOException, ConfigException {
        Path file = dir.resolve("routes.yaml");
        Files.writeString(file, "upstreams:\n" + upstreams + "routes:\n  - { id: r, upstream: a }\n");
        return RouteConfigLoader.load(file);
    }

    @Test
    void upstreamWithoutProtocolOrTlsIsPlainHttp1() throws Exception {
        RouteConfig config = load("  a: { endpoints: [ { address: \"127.0.0.1:1\" } ] }\n");

        UpstreamTransport transport = config.upstreams().get("a").transport();
        assertThat(transport).isSameAs(UpstreamTransport.PLAIN);
        assertThat(transport.isPlain()).isTrue();
    }

    @Test
    void tlsTrueTrustsTheSystemStoreAndVerifies() throws Exception {
        RouteConfig config = load("  a: { tls: true, protocol: h2, endpoints: [ { address: \"127.0.0.1:1\" } ] }\n");

        UpstreamTransport transport = config.upstreams().get("a").transport();
        assertThat(transport.protocol()).isEqualTo(UpstreamProtocol.H2);
        assertThat(transport.tls().ca()).isNull();
        assertThat(transport.tls().cert()).isNull();
        assertThat(transport.tls().insecureSkipVerify()).isFalse();
        assertThat(transport.isPlain()).isFalse();
    }

    @Test
    void tlsFilesAreResolvedAgainstTheRouteFilesDirectory() throws Exception {
        Files.createDirectories(dir.resolve("certs"));
        for (String name : new String[] {"ca.pem", "client.pem", "client-key.pem"}) {
            Files.writeString(dir.resolve("certs").resolve(name), "pem");
        }
        RouteConfig config = load(
                """
                  a:
                    endpoints: [ { address: "127.0.0.1:1" } ]
                    tls: { ca: certs/ca.pem, cert: certs/client.pem, key: certs/client-key.pem, serverName: orders.internal }
                """);

        UpstreamTls tls = config.upstreams().get("a").transport().tls();
        assertThat(tls.ca()).isEqualTo(dir.resolve("certs/ca.pem").toAbsolutePath());
        assertThat(tls.cert()).isEqualTo(dir.resolve("certs/client.pem").toAbsolutePath());
        assertThat(tls.key()).isEqualTo(dir.resolve("certs/client-key.pem").toAbsolutePath());
        assertThat(tls.serverName()).isEqualTo("orders.internal");
        assertThat(tls.location().line()).isEqualTo(4);
    }

    @Test
    void equalSettingsMakeEqualTransports() throws Exception {
        String upstream = "  a: { protocol: h2c, endpoints: [ { address: \"127.0.0.1:1\" } ] }\n";

        assertThat(load(upstream).upstreams().get("a").transport())
                .isEqualTo(load(upstream).upstreams().get("a").transport())
                .isEqualTo(new UpstreamTransport(UpstreamProtocol.H2C, null));
    }
}
