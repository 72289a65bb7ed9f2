package io.meshgate.app.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meshgate.app.GatewayExtension;
import io.meshgate.app.certs.DevCertificateAuthority;
import io.meshgate.app.certs.IssuedCertificate;
import io.meshgate.app.certs.LeafSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The mesh listener with real mTLS clients ({@code curl --cert}): no client certificate or one
 * from another CA fails the handshake; a mesh client's SPIFFE ID (or DNS SAN) reaches the upstream
 * in {@code x-meshgate-client-identity}, and a forged one never does, on either listener.
 */
class MeshIT {

    private static final String HEADER = MeshProperties.DEFAULT_IDENTITY_HEADER;
    private static final String FRONTEND = "spiffe://cluster.local/ns/shop/sa/frontend";
    private static final Path DIR = tempDir();
    private static final DevCertificateAuthority MESH_CA = DevCertificateAuthority.create("mesh CA");
    private static final DevCertificateAuthority OTHER_CA = DevCertificateAuthority.create("other CA");

    static {
        write("ca.crt", MESH_CA.certificatePem());
        write(MESH_CA.issue(LeafSpec.server("meshgate.mesh.test").withIpAddresses("127.0.0.1")), "server");
        write(MESH_CA.issue(LeafSpec.client("frontend", FRONTEND)), "frontend");
        write(
                MESH_CA.issue(LeafSpec.client("billing", "ignored")
                        .withDnsNames("billing.shop.svc.cluster.local")
                        .withUris()),
                "billing");
        write(MESH_CA.issue(LeafSpec.client("anonymous", "unused").withUris()), "anonymous");
        write(OTHER_CA.issue(LeafSpec.client("intruder", FRONTEND)), "intruder");
    }

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams("v1")
            .routes(
                    """
                    upstreams:
                      v1: { endpoints: [ { address: "{{v1}}" } ] }
                    routes:
                      - id: direct
                        match: { path: /direct/** }
                        upstream: v1
                        listeners: [public, mesh]
                        authorization: { allow: { identities: ["*"] } }
                      - id: filtered
                        match: { path: /filtered/** }
                        upstream: v1
                        filters: [ "AddRequestHeader=x-f, 1" ]
                        listeners: [public, mesh]
                        authorization: { allow: { identities: ["*"] } }
                    """)
            .arg("--meshgate.mesh.port=0")
            .arg("--meshgate.mesh.address=127.0.0.1")
            .arg("--meshgate.mesh.certificate=" + DIR.resolve("server.crt"))
            .arg("--meshgate.mesh.private-key=" + DIR.resolve("server.key"))
            .arg("--meshgate.mesh.client-ca=" + DIR.resolve("ca.crt"));

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeAll
    static void curlIsInstalled() {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            found |= new java.io.File(dir, "curl").canExecute();
        }
        assumeTrue(found, "curl is not installed (.ci/run installs it); skipping the mesh tests");
    }

    @Test
    void aClientWithoutCertificateFailsTheHandshake() throws Exception {
        Result result = curl(null, "/direct/x");
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).doesNotContain("\"upstream\"");
    }

    @Test
    void aCertificateFromAnotherCaFailsTheHandshake() throws Exception {
        Result result = curl("intruder", "/direct/x");
        assertThat(result.exitCode()).as(result.output()).isNotZero();
    }

    @Test
    void theVerifiedSpiffeIdReachesTheUpstreamOnBothProxyPaths() throws Exception {
        for (String path : List.of("/direct/x", "/filtered/x")) {
            JsonNode echo = echo(curl("frontend", path));
            assertThat(echo.path("headers").path(HEADER).asString()).as(path).isEqualTo(FRONTEND);
        }
    }

    @Test
    void aDnsSanIsTheIdentityWithoutAUriSan() throws Exception {
        JsonNode echo = echo(curl("billing", "/direct/x"));
        assertThat(echo.path("headers").path(HEADER).asString()).isEqualTo("billing.shop.svc.cluster.local");
    }

    @Test
    void aCertificateWithoutIdentityIsForbidden() throws Exception {
        Result result = curl("anonymous", "/direct/x", "-w", "\n%{http_code}");
        assertThat(result.output()).contains("names no identity").endsWith("403");
    }

    @Test
    void aForgedIdentityHeaderIsReplacedOnTheMeshListener() throws Exception {
        for (String path : List.of("/direct/x", "/filtered/x")) {
            JsonNode echo =
                    echo(curl("frontend", path, "-H", HEADER + ": spiffe://cluster.local/ns/kube-system/sa/admin"));
            assertThat(echo.path("headers").path(HEADER).asString()).as(path).isEqualTo(FRONTEND);
        }
    }

    @Test
    void aForgedIdentityHeaderIsDroppedOnTheTrafficPort() {
        for (String path : List.of("/direct/x", "/filtered/x")) {
            byte[] body = gateway.client()
                    .get()
                    .uri(path)
                    .header(HEADER, FRONTEND)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .returnResult()
                    .getResponseBody();
            assertThat(JSON.readTree(body).path("headers").has(HEADER)).as(path).isFalse();
        }
    }

    @Test
    void theMeshListenerHasTheTrafficListenersLimits() throws Exception {
        List<String> headers = new ArrayList<>(List.of("--http1.1", "-o", "/dev/null", "-w", "%{http_code}"));
        for (int i = 0; i < 101; i++) {
            headers.addAll(List.of("-H", "x-h" + i + ": v"));
        }
        assertThat(curl("frontend", "/direct/many", headers.toArray(String[]::new))
                        .output())
                .as("more than meshgate.limits.max-header-count headers")
                .isEqualTo("431");
        assertThat(curl("frontend", "/direct/" + "a".repeat(9000), "--http1.1", "-o", "/dev/null", "-w", "%{http_code}")
                        .output())
                .as("a request line over meshgate.limits.max-uri-length")
                .isEqualTo("414");
        assertThat(curl(
                                "frontend",
                                "/direct/many",
                                headers.subList(1, headers.size()).toArray(String[]::new))
                        .output())
                .as("the same over HTTP/2")
                .isEqualTo("431");
    }

    private record Result(int exitCode, String output) {}

    private static JsonNode echo(Result result) {
        assertThat(result.exitCode()).as(result.output()).isZero();
        return JSON.readTree(result.output());
    }

    private static Result curl(String client, String path, String... extra) throws IOException, InterruptedException {
        int port = gateway.context().getBean(MeshServer.class).port();
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "-sS",
                "--http2",
                "--cacert",
                DIR.resolve("ca.crt").toString(),
                "--resolve",
                "meshgate.mesh.test:" + port + ":127.0.0.1"));
        if (client != null) {
            command.addAll(List.of(
                    "--cert", DIR.resolve(client + ".crt").toString(),
                    "--key", DIR.resolve(client + ".key").toString()));
        }
        command.addAll(List.of(extra));
        command.add("https://meshgate.mesh.test:" + port + path);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("meshgate-mesh-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(String name, String content) {
        try {
            Files.writeString(DIR.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(IssuedCertificate certificate, String name) {
        try {
            certificate.write(DIR.resolve(name + ".crt"), DIR.resolve(name + ".key"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
