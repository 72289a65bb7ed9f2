package io.meshgate.app.observability;

import static org.awaitility.Awaitility.await;

import io.meshgate.app.GatewayExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus (the Debian package's {@code /usr/bin/prometheus}, 2.42, installed by {@code
 * .ci/run}) for a test class, scraping the running gateway's management port every second. It listens
 * on a free 127.0.0.1 port, keeps its data in a temporary directory, and answers instant queries
 * through its HTTP API. Register it after the {@link GatewayExtension} it scrapes:
 *
 * <pre>{@code
 * @RegisterExtension @Order(1) static final GatewayExtension gateway = ...;
 * @RegisterExtension @Order(2) static final PrometheusServer prometheus = PrometheusServer.scraping(gateway);
 * }</pre>
 *
 * Without the binary the test class is skipped before anything starts, saying so. The binary can be named with the system
 * property {@code meshgate.prometheus}.
 */
public final class PrometheusServer implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {

    /** The job name of the scrape, the {@code job} label of every scraped series. */
    public static final String JOB = "meshgate";

    /** How often the gateway is scraped. */
    public static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final GatewayExtension gateway;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    private Path dir;
    private Process process;
    private int port;

    private PrometheusServer(GatewayExtension gateway) {
        this.gateway = gateway;
    }

    /** A Prometheus that scrapes the gateway's {@code /actuator/prometheus} on its management port. */
    public static PrometheusServer scraping(GatewayExtension gateway) {
        return new PrometheusServer(gateway);
    }

    /** The Prometheus binary: the system property {@code meshgate.prometheus}, else the Debian path. */
    public static Path binary() {
        return Path.of(System.getProperty("meshgate.prometheus", "/usr/bin/prometheus"));
    }

    /** Skips the test class, saying why, when there is no Prometheus to run (before anything starts). */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Path binary = binary();
        return Files.isExecutable(binary)
                ? ConditionEvaluationResult.enabled("Prometheus at " + binary)
                : ConditionEvaluationResult.disabled("No Prometheus at " + binary
                        + ": install the Debian package 'prometheus' (.ci/run does) or name the binary with"
                        + " -Dmeshgate.prometheus=<path>");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path binary = binary();
        dir = Files.createTempDirectory("meshgate-prometheus-");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, config(gateway.managementPort()));
        // Prometheus cannot report a port it chose itself: take a free one, and try again if another
        // process took it in between.
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                start(binary, config);
                return;
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        throw failure;
    }

    private static String config(int managementPort) {
        long seconds = SCRAPE_INTERVAL.toSeconds();
        return """
                global:
                  scrape_interval: %ds
                  scrape_timeout: %ds
                  evaluation_interval: %ds
                scrape_configs:
                  - job_name: %s
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                        # The target labels a Kubernetes scrape attaches (pod annotations or a
                        # ServiceMonitor): a scraped label of the same name becomes exported_<name>.
                        labels: { namespace: meshgate, pod: meshgate-0, service: meshgate }
                """
                .formatted(seconds, seconds, seconds, JOB, managementPort);
    }

    private void start(Path binary, Path config) throws IOException {
        port = freePort();
        Path log = dir.resolve("prometheus.log");
        process = new ProcessBuilder(List.of(
                        binary.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--storage.tsdb.retention.time=1h",
                        "--log.level=warn"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            await().pollInterval(Duration.ofMillis(100))
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(
                                    "Prometheus exited with " + process.exitValue() + ":\n" + Files.readString(log));
                        }
                        try {
                            return get("/-/ready").statusCode() == 200;
                        } catch (java.io.UncheckedIOException notListeningYet) {
                            return false;
                        }
                    });
        } catch (org.awaitility.core.ConditionTimeoutException | IllegalStateException e) {
            stopProcess();
            throw new IllegalStateException("Prometheus did not become ready:\n" + Files.readString(log), e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        stopProcess();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    private void stopProcess() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** The base URL of Prometheus' web API and UI. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * The scrape target of the gateway, from {@code /api/v1/targets}; {@code null} until Prometheus'
     * service discovery has handed it to the scrape loop (a few seconds after start).
     */
    public JsonNode target() {
        JsonNode targets = getJson("/api/v1/targets?state=active").path("data").path("activeTargets");
        for (JsonNode target : targets) {
            if (target.path("labels").path("job").asString().equals(JOB)) {
                return target;
            }
        }
        return null;
    }

    /**
     * Waits until the gateway's target was scraped successfully and has been {@code up} for at least
     * {@code scrapes} scrapes since this call; fails at once on a scrape error (a rejected scrape).
     */
    public JsonNode awaitScrapes(int scrapes) {
        double since = System.currentTimeMillis() / 1000.0;
        await().pollInterval(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(10L + scrapes * SCRAPE_INTERVAL.toSeconds() * 3))
                .until(() -> {
                    JsonNode target = target();
                    if (target == null) {
                        return false;
                    }
                    String error = target.path("lastError").asString("");
                    if (!error.isEmpty()) {
                        throw new AssertionError(
                                "Prometheus rejected the scrape of " + target.path("scrapeUrl") + ": " + error);
                    }
                    if (!target.path("health").asString().equals("up")) {
                        return false;
                    }
                    return scrapedSince(since) >= scrapes;
                });
        return target();
    }

    /** Scrapes since the time (seconds since the epoch): samples of the meta series {@code up} since. */
    private double scrapedSince(double since) {
        long seconds = Math.max(1, (long) Math.ceil(System.currentTimeMillis() / 1000.0 - since));
        JsonNode result = query("count_over_time(up{job=\"" + JOB + "\"}[" + seconds + "s])");
        return result.isEmpty()
                ? 0
                : Double.parseDouble(result.get(0).path("value").get(1).asString());
    }

    /** The label names of the gateway's series, from {@code /api/v1/labels}. */
    public Set<String> labelNames() {
        JsonNode names = getJson(
                        "/api/v1/labels?match[]=" + URLEncoder.encode("{job=\"" + JOB + "\"}", StandardCharsets.UTF_8))
                .path("data");
        Set<String> all = new TreeSet<>();
        names.forEach(name -> all.add(name.asString()));
        return all;
    }

    /**
     * Runs an instant query at the current time; returns {@code data.result} (for a vector, the series
     * with {@code metric} and {@code value}). A query Prometheus refuses throws with its error.
     */
    public JsonNode query(String promql) {
        JsonNode answer = getJson("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (!answer.path("status").asString().equals("success")) {
            throw new IllegalArgumentException("Prometheus refused " + promql + ": "
                    + answer.path("errorType").asString() + ": "
                    + answer.path("error").asString());
        }
        return answer.path("data").path("result");
    }

    private JsonNode getJson(String path) {
        HttpResponse<String> response = get(path);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create(url() + path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
