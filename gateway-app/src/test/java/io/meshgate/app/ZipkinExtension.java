package io.meshgate.app;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts, once per test class, a real Zipkin server ({@code java -jar zipkin.jar}, in-memory storage)
 * on a free port of 127.0.0.1, and stops it after. The jar is the {@code io.zipkin:zipkin-server:exec}
 * artifact that Maven copies to {@code target/zipkin/} before the integration tests (system property
 * {@code meshgate.zipkin.jar}); without it the test class is skipped, saying so. The port is chosen
 * when the extension is built, so the gateway's arguments can name {@link #spansEndpoint()}.
 */
public final class ZipkinExtension implements BeforeAllCallback, AfterAllCallback {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int port = freePort();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        String jar = System.getProperty("meshgate.zipkin.jar", "target/zipkin/zipkin.jar");
        Assumptions.assumeTrue(
                Files.isRegularFile(Path.of(jar)),
                "Zipkin server jar not found at " + jar
                        + ": run the integration tests through Maven (mvn verify), which downloads it");
        Path log = Files.createTempFile("zipkin-", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar,
                // Armeria's listener list replaces the default one (all interfaces, QUERY_PORT).
                "--armeria.ports[0].ip=127.0.0.1",
                "--armeria.ports[0].port=" + port,
                "--armeria.ports[0].protocols[0]=http"));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("STORAGE_TYPE", "mem");
        builder.environment().put("QUERY_PORT", String.valueOf(port));
        process = builder.start();
        try {
            await("Zipkin on 127.0.0.1:" + port + " (log " + log + ")")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Zipkin exited: " + Files.readString(log));
                        }
                        try {
                            return get("/health").statusCode() == 200;
                        } catch (IOException notYetListening) {
                            return false;
                        }
                    });
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (process != null) {
            process.destroy();
            // In-memory storage: nothing to lose by not waiting long for a graceful stop.
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Where the gateway posts spans: {@code management.tracing.export.zipkin.endpoint}. */
    public String spansEndpoint() {
        return "http://127.0.0.1:" + port + "/api/v2/spans";
    }

    /** Waits until the trace has at least {@code spans} spans in Zipkin and returns them. */
    public JsonNode awaitTrace(String traceId, int spans) {
        return await("trace " + traceId + " with " + spans + " spans in Zipkin")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> trace(traceId), trace -> trace != null && trace.size() >= spans);
    }

    /** The trace's spans, or null while Zipkin does not know it (404). */
    public JsonNode trace(String traceId) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/v2/trace/" + traceId);
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Zipkin answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
