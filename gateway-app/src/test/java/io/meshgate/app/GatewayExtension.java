package io.meshgate.app;

import io.meshgate.app.quickstart.EchoServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts, once per test class, named echo upstreams on 127.0.0.1 and a real meshgate on free ports
 * reading its routes from a temporary directory. Route templates name upstreams as {@code
 * {{name}}}, replaced by the upstream's {@code 127.0.0.1:port}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static GatewayExtension gateway = GatewayExtension.withUpstreams("v1", "v2").routes("""
 *     upstreams: { v1: { endpoints: [ { address: "{{v1}}" } ] } }
 *     ...""");
 * }</pre>
 */
public final class GatewayExtension implements BeforeAllCallback, AfterAllCallback {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<String> upstreamNames;
    private final List<String> extraArgs = new ArrayList<>();
    private String routes = "";
    private final Map<String, EchoServer> upstreams = new LinkedHashMap<>();
    private Path routesDir;
    private ConfigurableApplicationContext context;
    private int port;
    private int managementPort;

    private GatewayExtension(List<String> upstreamNames) {
        this.upstreamNames = List.copyOf(upstreamNames);
    }

    public static GatewayExtension withUpstreams(String... names) {
        return new GatewayExtension(List.of(names));
    }

    /** The initial route file (a template). */
    public GatewayExtension routes(String template) {
        this.routes = template;
        return this;
    }

    /** An extra command-line argument for the gateway, such as {@code --logging.level.x=debug}. */
    public GatewayExtension arg(String arg) {
        extraArgs.add(arg);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext extension) throws IOException {
        for (String name : upstreamNames) {
            upstreams.put(name, EchoServer.start(name, "127.0.0.1", 0));
        }
        routesDir = Files.createTempDirectory("meshgate-it-");
        writeRoutes(routes);
        List<String> args = new ArrayList<>(List.of(
                "--meshgate.routes=" + routesDir,
                "--server.port=0",
                "--management.server.port=0",
                "--spring.main.banner-mode=off"));
        if (extraArgs.stream().noneMatch(arg -> arg.startsWith("--meshgate.shutdown.drain-delay="))) {
            args.add("--meshgate.shutdown.drain-delay=0s"); // tests close the gateway at once
        }
        args.addAll(extraArgs);
        context = new SpringApplicationBuilder(MeshgateApplication.class).run(args.toArray(String[]::new));
        port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
        managementPort = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.management.port"));
    }

    @Override
    public void afterAll(ExtensionContext extension) throws IOException {
        if (context != null) {
            context.close();
        }
        upstreams.values().forEach(EchoServer::close);
        if (routesDir != null) {
            try (Stream<Path> files = Files.walk(routesDir)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    /** Replaces the route file atomically (as a ConfigMap update or an editor's save would). */
    public void writeRoutes(String template) {
        writeFile("routes.yaml", render(template));
    }

    /** Writes any file into the route directory atomically, verbatim. */
    public void writeFile(String name, String content) {
        try {
            Path temp = Files.createTempFile(routesDir, ".tmp-", ".part");
            Files.writeString(temp, content);
            Files.move(
                    temp, routesDir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a file from the route directory. */
    public void deleteFile(String name) {
        try {
            Files.deleteIfExists(routesDir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String render(String template) {
        String rendered = template;
        for (EchoServer upstream : upstreams.values()) {
            rendered = rendered.replace("{{" + upstream.name() + "}}", upstream.address());
        }
        return rendered;
    }

    public Path routesDir() {
        return routesDir;
    }

    public int port() {
        return port;
    }

    public int managementPort() {
        return managementPort;
    }

    public EchoServer upstream(String name) {
        return upstreams.get(name);
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    /** A client for the traffic port. */
    public WebTestClient client() {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** A client for the management port. */
    public WebTestClient admin() {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + managementPort)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** The admin view {@code /actuator/meshgate}. */
    public JsonNode status() {
        return adminJson("/actuator/meshgate");
    }

    /** The Prometheus exposition of the management port's {@code /actuator/prometheus}. */
    public String prometheus() {
        return admin().get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    /** A JSON document from the management port, such as an actuator endpoint. */
    public JsonNode adminJson(String path) {
        byte[] body = admin().get()
                .uri(path)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBody();
        return JSON.readTree(body);
    }

    public String activeVersion() {
        return status().path("active").path("version").asString();
    }

    public long rejectedReloads() {
        return status().path("reloads").path("rejected").asLong();
    }
}
