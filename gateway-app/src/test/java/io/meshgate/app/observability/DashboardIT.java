package io.meshgate.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshgate.app.GatewayExtension;
import io.meshgate.app.discovery.KubernetesApiExtension;
import io.meshgate.app.mesh.MeshClient;
import io.meshgate.k8s.Slices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard ({@code k8s/deploy/grafana/meshgate-dashboard.json}) against a real Prometheus
 * scraping a running gateway: after a bounded load (successes, 5xx answers, a 404, an applied and a
 * rejected reload) on routes of both request paths and a Kubernetes upstream, with the mesh
 * listener's certificate for the TLS panels, every PromQL expression
 * of every panel and every template variable's query must return data. A panel whose query returns
 * nothing fails the test, naming the panel and the expression as run.
 */
class DashboardIT {

    /** The dashboard, from the failsafe property {@code meshgate.dashboard} (the repository's file). */
    static final Path DASHBOARD =
            Path.of(System.getProperty("meshgate.dashboard", "../k8s/deploy/grafana/meshgate-dashboard.json"));

    /**
     * What Grafana's interval variables become: long enough to span the whole test, so a rate over
     * it sees the load that ran before the queries.
     */
    private static final Map<String, String> INTERVALS =
            Map.of("__rate_interval", "2m", "__interval", "2m", "__range", "5m");

    /** Every other template variable (instance, route, ...) takes all values, as Grafana's "All" does. */
    private static final String ALL = ".+";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Metrics the dashboard already charts that the gateway does not publish yet (the balancer and
     * outlier-detection metrics being wired now). A query using one of them may return nothing; once a
     * metric returns data the test fails until it is removed from here, so none stays excused.
     */
    static final Set<String> PENDING_METRICS = Set.of();

    private static final String ROUTES =
            """
            upstreams:
              echo: { circuitBreaker: { failureRateThreshold: 90 }, endpoints: [ { address: "{{echo}}" } ] }
              orders: { kubernetes: { service: orders, namespace: shop, port: http } }
            routes:
              - { id: direct, match: { path: /direct/** }, upstream: echo }
              - { id: filtered, match: { path: /filtered/** }, upstream: echo, filters: [ "StripPrefix=1" ] }
              - { id: orders, match: { path: /orders/** }, upstream: orders }
              - id: billing
                listeners: [mesh]
                match: { path: /billing/** }
                upstream: echo
                authorization: { allow: { identities: [ "spiffe://cluster.local/ns/shop/sa/billing" ] } }
            """;

    @RegisterExtension
    @Order(1)
    static final KubernetesApiExtension cluster = new KubernetesApiExtension();

    /**
     * A mesh client the billing route does not allow (the authorization panel charts its denial); its
     * certificates also give the mesh listener one for the TLS certificate panels.
     */
    private static final MeshClient INTRUDER = MeshClient.withIdentity("spiffe://cluster.local/ns/shop/sa/intruder");

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = cluster.configure(
            INTRUDER.configure(GatewayExtension.withUpstreams("echo").routes(ROUTES)));

    @RegisterExtension
    @Order(3)
    static final PrometheusServer prometheus = PrometheusServer.scraping(gateway);

    private static final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Answers of the load by status, for the report and the checks. */
    private static final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

    @BeforeAll
    static void driveTheGatewayUnderScrape() throws Exception {
        cluster.startPod("orders-1", "127.0.0.2");
        cluster.api()
                .apply(Slices.slice(
                        "shop",
                        "orders",
                        "orders-a1",
                        Slices.port("http", cluster.podPort()),
                        Slices.ready("127.0.0.2")));
        await().atMost(Duration.ofSeconds(10)).until(() -> status("/orders/ready", null) == 200);
        prometheus.awaitScrapes(1);

        // The GC panels chart pauses, which exist only after a collection; a short test may see none.
        // The gateway runs in this JVM, so ask for one.
        System.gc();
        // 360 requests from 4 clients over about 4 s: one in six asks the upstream for a 503.
        load(4, 90, Duration.ofMillis(10));
        MeshClient.Response denied = INTRUDER.get(gateway, "/billing/invoices");
        assertThat(denied.status()).as(denied.body()).isEqualTo(403);
        reload();
        prometheus.awaitScrapes(3);
    }

    private static void load(int clients, int perClient, Duration pace) throws Exception {
        String[] paths = {"/direct/a", "/filtered/b", "/orders/c"};
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perClient; i++) {
                        String failWith = i % 6 == 0 ? "503" : null;
                        int status = status(paths[(i + client) % paths.length], failWith);
                        statuses.computeIfAbsent(status, s -> new AtomicInteger())
                                .incrementAndGet();
                        Thread.sleep(pace.toMillis());
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        status("/nowhere", null);
        assertThat(statuses.get(200).get()).isGreaterThan(250);
        assertThat(statuses.get(503).get()).isGreaterThan(30);
    }

    /** One applied and one rejected change of the route files; the last good one keeps serving. */
    private static void reload() {
        String version = gateway.activeVersion();
        gateway.writeRoutes(ROUTES + "  - { id: extra, match: { path: /extra/** }, upstream: echo }\n");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !gateway.activeVersion().equals(version));
        long rejected = gateway.rejectedReloads();
        gateway.writeRoutes(ROUTES + "  - { id: broken, match: { path: /broken/** }, upstream: nowhere }\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.rejectedReloads() > rejected);
    }

    private static int status(String path, String upstreamStatus) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (upstreamStatus != null) {
            request.header("x-echo-status", upstreamStatus);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void prometheusScrapesTheGatewayWithoutRejectingIt() {
        JsonNode target = prometheus.target();

        System.out.printf(
                "Scrape of %s: %s s, %s samples%n",
                target.path("scrapeUrl").asString(),
                target.path("lastScrapeDuration").asString(),
                prometheus
                        .query("scrape_samples_scraped{job=\"" + PrometheusServer.JOB + "\"}")
                        .path(0)
                        .path("value")
                        .path(1)
                        .asString());
        assertThat(target.path("health").asString()).isEqualTo("up");
        assertThat(target.path("lastError").asString()).isEmpty();
        assertThat(prometheus.query("up{job=\"" + PrometheusServer.JOB + "\"} == 1"))
                .hasSize(1);
        // A scraped label named like a target label (namespace, pod, service in a cluster) gets renamed.
        assertThat(prometheus.labelNames()).isNotEmpty().noneMatch(name -> name.startsWith("exported_"));
        // Exemplars would make Debian's Prometheus 2.42 reject the whole scrape; none may be exposed.
        assertThat(gateway.prometheus()).doesNotContain("trace_id");
    }

    @Test
    void theActiveConfigurationsVersionIsOneSeries() {
        List<String> active = gateway.prometheus()
                .lines()
                .filter(line -> line.startsWith("meshgate_config_active{"))
                .toList();

        // The rejected change left the applied one serving; the versions before it are gone.
        assertThat(active).containsExactly("meshgate_config_active{version=\"" + gateway.activeVersion() + "\"} 1.0");
        assertThat(prometheus.query("meshgate_config_active{job=\"" + PrometheusServer.JOB + "\"}"))
                .singleElement()
                .satisfies(series -> assertThat(
                                series.path("metric").path("version").asString())
                        .isEqualTo(gateway.activeVersion()));
    }

    @Test
    void everyPanelsQueryReturnsData() {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        List<String> failures = new ArrayList<>();
        Map<String, Integer> checked = new TreeMap<>();
        for (Panel panel : panels(dashboard.path("panels"), "")) {
            for (JsonNode target : panel.node().path("targets")) {
                String expr = target.path("expr").asString("");
                if (expr.isBlank()) {
                    failures.add(panel.title() + " [" + target.path("refId").asString() + "]: no PromQL expression");
                    continue;
                }
                String promql = substitute(expr);
                try {
                    checkData(panel.title(), promql, prometheus.query(promql), failures);
                } catch (IllegalArgumentException e) {
                    failures.add(panel.title() + ": " + e.getMessage());
                }
                checked.merge(panel.title(), 1, Integer::sum);
            }
        }

        assertThat(failures).as("panels whose queries return nothing").isEmpty();
        assertThat(checked).as("panels with queries").hasSizeGreaterThan(10);
    }

    @Test
    void everyTemplateVariablesQueryFindsValues() {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        List<String> failures = new ArrayList<>();
        int queries = 0;
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (!variable.path("type").asString().equals("query")) {
                continue;
            }
            assertThat(variable.path("datasource").path("uid").asString())
                    .as("variable %s uses the datasource variable", variable.path("name"))
                    .isEqualTo("${datasource}");
            JsonNode definition = variable.path("query");
            String query = definition.isObject() ? definition.path("query").asString() : definition.asString();
            Matcher labelValues = LABEL_VALUES.matcher(query.strip());
            assertThat(labelValues.matches())
                    .as("variable %s: label_values(<series>, <label>)", variable.path("name"))
                    .isTrue();
            String promql = "group by (" + labelValues.group(2) + ") (" + substitute(labelValues.group(1)) + ")";
            checkData("variable " + variable.path("name").asString(), promql, prometheus.query(promql), failures);
            queries++;
        }

        assertThat(failures).isEmpty();
        assertThat(queries).isGreaterThanOrEqualTo(3);
    }

    @Test
    void everyPanelUsesTheDatasourceVariable() {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        JsonNode datasource = null;
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("name").asString().equals("datasource")) {
                datasource = variable;
            }
        }
        assertThat(datasource).isNotNull();
        assertThat(datasource.path("type").asString()).isEqualTo("datasource");
        assertThat(datasource.path("query").asString()).isEqualTo("prometheus");
        for (Panel panel : panels(dashboard.path("panels"), "")) {
            if (panel.node().has("targets")) {
                assertThat(panel.node().path("datasource").path("uid").asString())
                        .as(panel.title())
                        .isEqualTo("${datasource}");
            }
        }
    }

    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\s*\\)");

    /** A panel and its title as shown, prefixed with its row's. */
    record Panel(String title, JsonNode node) {}

    /** Every panel, also those inside collapsed rows, with "row / title" names. */
    private static List<Panel> panels(JsonNode panels, String row) {
        List<Panel> all = new ArrayList<>();
        String currentRow = row;
        for (JsonNode panel : panels) {
            String title = panel.path("title").asString();
            if (panel.path("type").asString().equals("row")) {
                currentRow = title;
                all.addAll(panels(panel.path("panels"), title));
            } else {
                all.add(new Panel(currentRow.isEmpty() ? title : currentRow + " / " + title, panel));
            }
        }
        return all;
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)");

    /** The expression as Grafana would send it with every variable set to all its values. */
    static String substitute(String expr) {
        Matcher matcher = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            matcher.appendReplacement(out, Matcher.quoteReplacement(INTERVALS.getOrDefault(name, ALL)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /**
     * Adds a failure if the query returned no data, unless it uses a pending metric; and if it uses a
     * pending metric but returned data, asks for the metric to leave {@link #PENDING_METRICS}.
     */
    private static void checkData(String what, String promql, JsonNode result, List<String> failures) {
        List<String> pending = PENDING_METRICS.stream()
                .filter(metric ->
                        Pattern.compile("\\b" + metric + "\\b").matcher(promql).find())
                .sorted()
                .toList();
        boolean data = hasData(result);
        if (!data && pending.isEmpty()) {
            failures.add(what + ": no data for " + promql);
        } else if (data && !pending.isEmpty()) {
            failures.add(what + ": returns data now; remove " + pending + " from DashboardIT.PENDING_METRICS");
        } else if (!data) {
            System.out.println("Pending (metric not published yet) " + what + ": " + promql);
        }
    }

    /** A non-empty answer with at least one number (NaN alone is no data to plot). */
    private static boolean hasData(JsonNode result) {
        if (result.size() == 2 && result.get(0).isNumber()) {
            // A scalar: [time, "value"].
            return !result.get(1).asString().equals("NaN");
        }
        for (JsonNode series : result) {
            JsonNode value = series.path("value");
            if (value.isArray() && !value.get(1).asString().equals("NaN")) {
                return true;
            }
        }
        return false;
    }
}
