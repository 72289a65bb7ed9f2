package io.meshgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Starts the upstream and each target as a pinned child process and waits for its first proxied
 * request. Every target gets its own ports (and meshgate its own management port), so all of them
 * run side by side and the rounds can interleave without restarts or repeated warm-up.
 */
final class TargetLauncher {

    private final Settings settings;
    private final ChildProcesses children;
    private final Certificates certs;
    private final Nginx nginx;
    private final FirstRequest plainProbe;
    private final FirstRequest tlsProbe;
    private final List<String> meshgateLaunch;
    private final List<String> baselineLaunch;
    private final List<String> stockScgLaunch;
    private final List<String> jarNotes = new ArrayList<>();
    private int upstreamA;
    private int upstreamB;
    private int upstreamTls;

    TargetLauncher(Settings settings, ChildProcesses children, Certificates certs) throws Exception {
        this.settings = settings;
        this.children = children;
        this.certs = certs;
        this.nginx = new Nginx(settings.workDir());
        this.plainProbe = new FirstRequest(null);
        this.tlsProbe = new FirstRequest(certs.clientContext());
        Path trainingRoutes = settings.workDir().resolve("training-routes.yaml");
        // The training run stops once its context is refreshed: the upstream is never called.
        Files.writeString(
                trainingRoutes,
                Templates.render("routes/single.yaml", Map.of("upstreamA", 9, "upstreamB", 9)),
                StandardCharsets.UTF_8);
        List<String> meshgateTraining = List.of(
                "--meshgate.routes=" + trainingRoutes.toAbsolutePath(),
                "--server.port=0",
                "--management.server.port=0");
        this.meshgateLaunch = settings.uses(TargetSpec.Kind.MESHGATE)
                ? launch(snapshot(settings.meshgateJar(), ""), meshgateTraining)
                : null;
        this.baselineLaunch = settings.uses(TargetSpec.Kind.MESHGATE_BASELINE)
                ? launch(snapshot(settings.baselineJar(), "baseline-"), meshgateTraining)
                : null;
        this.stockScgLaunch = settings.uses(TargetSpec.Kind.STOCK_SCG)
                        || settings.uses(TargetSpec.Kind.NETTY_FLOOR)
                        || settings.uses(TargetSpec.Kind.REACTOR_FLOOR)
                ? launch(snapshot(settings.stockScgJar(), ""), List.of("--server.port=0"))
                : null;
    }

    /** How a gateway jar is launched: as the image runs it unless {@code --fat-jar}. */
    private List<String> launch(Path jar, List<String> trainingArgs) throws IOException, InterruptedException {
        if (!settings.shippedLayout()) {
            return List.of("-jar", jar.toAbsolutePath().toString());
        }
        return ShippedLayout.prepare(settings, jar.toAbsolutePath(), settings.jvmOpts(), trainingArgs, jarNotes);
    }

    /**
     * Copies a jar into the work dir and runs the copy: a rebuild during a long run (other people build
     * on the same machine) must not pull classes from under a running gateway or change what is measured.
     */
    private Path snapshot(Path jar, String prefix) throws IOException, GeneralSecurityException {
        Path copy = settings.workDir().resolve("jars").resolve(prefix + jar.getFileName());
        Files.createDirectories(copy.getParent());
        Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(copy));
        jarNotes.add(String.format(
                Locale.ROOT,
                "%s built %s, sha256 %s",
                prefix + jar.getFileName(),
                Files.getLastModifiedTime(jar).toInstant().truncatedTo(ChronoUnit.SECONDS),
                HexFormat.of().formatHex(digest, 0, 6)));
        return copy;
    }

    /** Which jars were measured: build time and a digest prefix, for runs without a commit. */
    List<String> jarNotes() {
        return List.copyOf(jarNotes);
    }

    /** Starts the upstream nginx (ports a, b and TLS) on the upstream CPU and waits until it answers. */
    void startUpstream() throws IOException, InterruptedException {
        upstreamA = Ports.free();
        upstreamB = Ports.free();
        upstreamTls = Ports.free();
        ChildProcesses.Child child = children.start(
                "upstream", settings.pinning().upstream(nginx.upstream(upstreamA, upstreamB, upstreamTls, certs)));
        for (String url : List.of(url(false, upstreamA), url(false, upstreamB), url(true, upstreamTls))) {
            awaitFirstRequest(child, url);
        }
    }

    /** Starts one target and waits for its first proxied 200. */
    RunningTarget start(TargetSpec spec) throws IOException, InterruptedException {
        if (spec.kind() == TargetSpec.Kind.DIRECT) {
            String url = url(spec.tls(), spec.tls() ? upstreamTls : upstreamA);
            return new RunningTarget(spec, url, null, Double.NaN, -1, answeredBy(spec, url));
        }
        int port = Ports.free();
        String url = url(spec.tls(), port);
        List<String> command =
                switch (spec.kind()) {
                    case NGINX -> nginx.proxy(spec.name(), port, spec.tls(), upstreamA, certs);
                    case STOCK_SCG -> stockScg(spec, port);
                    case NETTY_FLOOR -> java(
                            stockScgLaunch,
                            spec.withJvmArgs(
                                    "-Dnetty-proxy.port=" + port, "-Dnetty-proxy.upstream=127.0.0.1:" + upstreamA),
                            List.of());
                    case REACTOR_FLOOR -> java(
                            stockScgLaunch,
                            spec.withJvmArgs(
                                    "-Dreactor-proxy.port=" + port, "-Dreactor-proxy.upstream=127.0.0.1:" + upstreamA),
                            List.of());
                    case MESHGATE -> meshgate(spec, port, meshgateLaunch);
                    case MESHGATE_BASELINE -> meshgate(spec, port, baselineLaunch);
                    case DIRECT -> throw new IllegalStateException();
                };
        ChildProcesses.Child child =
                children.start(spec.name(), settings.pinning().proxy(command));
        long firstRequest = awaitFirstRequest(child, url);
        long rss = ProcessStats.rssKib(child.process().toHandle());
        return new RunningTarget(
                spec, url, child, (firstRequest - child.startNanos()) / 1e9, rss, answeredBy(spec, url));
    }

    private List<String> stockScg(TargetSpec spec, int port) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--spring.cloud.gateway.server.webflux.routes[0].id=bench",
                "--spring.cloud.gateway.server.webflux.routes[0].uri=http://127.0.0.1:" + upstreamA,
                "--spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/**"));
        if (spec.tls()) {
            args.addAll(certs.springServerArgs());
        }
        args.addAll(spec.extraArgs());
        return java(stockScgLaunch, spec, args);
    }

    private List<String> meshgate(TargetSpec spec, int port, List<String> launch) throws IOException {
        Path routes = settings.workDir().resolve(spec.name() + "-routes.yaml").toAbsolutePath();
        Files.writeString(
                routes,
                Templates.render("routes/" + spec.routeFile(), Map.of("upstreamA", upstreamA, "upstreamB", upstreamB)),
                StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of(
                "--meshgate.routes=" + routes,
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--management.server.port=" + Ports.free(),
                // no load balancer to wait for: stop at once when the run ends
                "--meshgate.shutdown.drain-delay=0s"));
        if (spec.tls()) {
            args.addAll(certs.meshgateServerArgs());
        }
        args.addAll(spec.extraArgs());
        return java(launch, spec, args);
    }

    private List<String> java(List<String> launch, TargetSpec spec, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(settings.java());
        command.addAll(settings.jvmOpts());
        command.addAll(spec.jvmArgs());
        command.addAll(launch);
        command.addAll(args);
        return command;
    }

    private long awaitFirstRequest(ChildProcesses.Child child, String url) throws IOException, InterruptedException {
        FirstRequest probe = url.startsWith("https") ? tlsProbe : plainProbe;
        try {
            return probe.await(url, settings.startTimeout(), child.process()::isAlive);
        } catch (IOException e) {
            throw new IOException(
                    child.name() + ": " + e.getMessage() + "\n--- last lines of " + child.log() + " ---\n"
                            + ChildProcesses.tail(child, 30),
                    e);
        }
    }

    /** Which upstream bodies 20 sequential requests got: proves the route (and a split) works. */
    private String answeredBy(TargetSpec spec, String url) throws IOException, InterruptedException {
        FirstRequest probe = spec.tls() ? tlsProbe : plainProbe;
        TreeSet<String> bodies = new TreeSet<>();
        for (int i = 0; i < 20; i++) {
            bodies.add(probe.body(url).strip());
        }
        return String.join(", ", bodies);
    }

    private static String url(boolean tls, int port) {
        return (tls ? "https" : "http") + "://127.0.0.1:" + port + "/";
    }
}
