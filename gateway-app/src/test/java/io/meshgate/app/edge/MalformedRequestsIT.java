package io.meshgate.app.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.app.ControlledUpstream;
import io.meshgate.app.GatewayExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The catalogue of malformed and oversize requests in {@code src/test/resources/edge-requests}: one
 * file per case, its expected status in its first line. Each is sent byte for byte over a raw socket
 * to both request paths (the direct proxy and Spring Cloud Gateway's filter chain); it must get its
 * 4xx, its connection must be closed, the upstream must see none of them, and a keep-alive connection
 * opened before must go on being served.
 *
 * <p>File syntax: leading {@code #} lines are comments ({@code # expect: NNN}); every other line
 * ends with CRLF when sent. {@code {{path}}} is the request path, {@code {{repeat:c:N}}} N times the
 * character c, {@code {{headers:N}}} N header lines, {@code <LF>}, {@code <VT>} and {@code <NUL>} the
 * raw bytes.
 */
class MalformedRequestsIT {

    private static final ControlledUpstream UPSTREAM = ControlledUpstream.start("counted");

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams()
            .routes(
                    """
                    upstreams:
                      counted: { endpoints: [ { address: "%s" } ] }
                    routes:
                      - id: scg
                        match: { path: /scg/** }
                        upstream: counted
                        filters: [ "AddRequestHeader=x-path, scg" ]
                      - id: direct
                        upstream: counted
                    """
                            .formatted(UPSTREAM.address()))
            .arg("--meshgate.limits.max-body-size=1KB");

    private RawHttp keptAlive;

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.close();
    }

    @BeforeEach
    void openAWellBehavedConnection() throws IOException {
        keptAlive = new RawHttp(gateway.port());
        assertThat(keptAlive.get("/direct/before").status()).isEqualTo(200);
    }

    @AfterEach
    void theWellBehavedConnectionIsStillServed() throws IOException {
        try (RawHttp connection = keptAlive) {
            assertThat(connection.get("/scg/after").status()).isEqualTo(200);
            assertThat(connection.get("/direct/after").status()).isEqualTo(200);
        }
    }

    static Stream<Arguments> cases() throws IOException, URISyntaxException {
        URL folder = MalformedRequestsIT.class.getResource("/edge-requests");
        List<Arguments> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
            for (Path file : files.sorted().toList()) {
                for (String path : List.of("/direct/x", "/scg/x")) {
                    cases.add(Arguments.of(file.getFileName().toString(), path));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void isRejectedWithItsStatusAndNeverReachesTheUpstream(String file, String path) throws IOException {
        String text = read(file);
        int expected = Integer.parseInt(text.lines()
                .filter(line -> line.startsWith("# expect: "))
                .findFirst()
                .orElseThrow()
                .substring("# expect: ".length())
                .strip());
        long before = UPSTREAM.requests();
        try (RawHttp connection = new RawHttp(gateway.port())) {
            connection.send(render(text, path));
            RawHttp.Answer answer = connection.read(Duration.ofSeconds(5), Duration.ofSeconds(10));
            assertThat(answer.status()).as(answer.text()).isEqualTo(expected);
            assertThat(answer.closed())
                    .as("connection closed after " + answer.text())
                    .isTrue();
        }
        // The well-behaved connection is served in between; the upstream counts only its request.
        assertThat(keptAlive.get("/direct/between").status()).isEqualTo(200);
        assertThat(UPSTREAM.requests() - before).as("requests the upstream saw").isEqualTo(1);
    }

    @Test
    void refusalsAreCountedByReason() throws IOException {
        double framing = rejected("framing");
        double malformed = rejected("malformed");
        for (String file : List.of("te-identity-chunked.http", "cl-and-te.http")) {
            try (RawHttp connection = new RawHttp(gateway.port())) {
                connection.send(render(read(file), "/direct/x"));
                assertThat(connection
                                .read(Duration.ZERO, Duration.ofSeconds(10))
                                .status())
                        .isEqualTo(400);
            }
        }
        assertThat(rejected("framing")).isEqualTo(framing + 1);
        assertThat(rejected("malformed")).isEqualTo(malformed + 1);
    }

    private static double rejected(String reason) {
        String prefix = "meshgate_edge_rejected_total{reason=\"" + reason + "\"";
        return gateway.prometheus()
                .lines()
                .filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix));
    }

    @Test
    void requestsJustWithinTheDefaultLimitsAreServed() throws IOException {
        // Over Spring Boot's and Netty's own defaults (4 KB line, 8 KB headers): meshgate's apply.
        assertThat(keptAlive.get("/direct/" + "u".repeat(7_000)).status()).isEqualTo(200);
        StringBuilder request = new StringBuilder("GET /scg/big HTTP/1.1\r\nHost: gateway\r\n");
        request.append("X-Big: ").append("b".repeat(30_000)).append("\r\n");
        for (int i = 0; i < 95; i++) {
            request.append("X-H").append(i).append(": v\r\n");
        }
        keptAlive.send(request.append("\r\n").toString());
        assertThat(keptAlive.read(Duration.ZERO, Duration.ofSeconds(10)).status())
                .isEqualTo(200);
    }

    @Test
    void aChunkedBodyGrowingPastTheLimitIsCutWith413() throws IOException {
        try (RawHttp connection = new RawHttp(gateway.port())) {
            connection.send("POST /direct/stream HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "200\r\n" + "d".repeat(512) + "\r\n";
            connection.send(chunk + chunk); // 1 KB: at the limit, fine
            connection.send(chunk); // past it
            RawHttp.Answer answer = connection.read(Duration.ofSeconds(5), Duration.ofSeconds(10));
            assertThat(answer.status()).as(answer.text()).isEqualTo(413);
            assertThat(answer.closed()).isTrue();
        }
    }

    private static String read(String file) {
        try (InputStream in = MalformedRequestsIT.class.getResourceAsStream("/edge-requests/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] render(String text, String path) {
        StringBuilder lines = new StringBuilder();
        boolean header = true;
        for (String line : text.split("\n", -1)) {
            if (header && line.startsWith("#")) {
                continue;
            }
            if (!header) {
                lines.append("\r\n");
            }
            header = false;
            lines.append(line);
        }
        String raw = lines.toString().replace("{{path}}", path);
        raw = expand(raw, "{{repeat:", (spec, out) -> {
            String[] parts = spec.split(":");
            out.append(parts[0].repeat(Integer.parseInt(parts[1])));
        });
        raw = expand(raw, "{{headers:", (spec, out) -> {
            for (int i = 0; i < Integer.parseInt(spec); i++) {
                out.append("X-H").append(i).append(": v\r\n");
            }
        });
        raw = raw.replace("<LF>", "\n").replace("<VT>", "\u000b").replace("<NUL>", "\u0000");
        return raw.getBytes(StandardCharsets.ISO_8859_1);
    }

    private interface Expansion {
        void append(String spec, StringBuilder out);
    }

    private static String expand(String raw, String marker, Expansion expansion) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        int at;
        while ((at = raw.indexOf(marker, from)) >= 0) {
            int end = raw.indexOf("}}", at);
            out.append(raw, from, at);
            expansion.append(raw.substring(at + marker.length(), end), out);
            from = end + 2;
        }
        return out.append(raw.substring(from)).toString();
    }
}
