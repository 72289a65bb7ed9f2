package io.meshgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * nginx configurations and command lines: the upstream (a {@code return 200} server on three ports)
 * and the reverse-proxy peer. Both run one worker in the foreground with everything (pid, logs, temp
 * dirs) inside the work dir, so no root and no system nginx are involved.
 */
final class Nginx {

    private final Path dir;

    Nginx(Path workDir) throws IOException {
        this.dir = workDir.resolve("nginx").toAbsolutePath();
        Files.createDirectories(dir.resolve("tmp"));
    }

    /** Writes the upstream's configuration and returns its command line. */
    List<String> upstream(int portA, int portB, int portTls, Certificates certs) throws IOException {
        Path conf = dir.resolve("upstream.conf");
        Files.writeString(
                conf,
                Templates.render(
                        "nginx-upstream.conf",
                        Map.of(
                                "dir", dir,
                                "portA", portA,
                                "portB", portB,
                                "portTls", portTls,
                                "cert", certs.certificate().toAbsolutePath(),
                                "key", certs.privateKey().toAbsolutePath())),
                StandardCharsets.UTF_8);
        return command(conf, "upstream");
    }

    /** Writes a reverse proxy's configuration (listening on {@code port}) and returns its command line. */
    List<String> proxy(String name, int port, boolean tls, int upstreamPort, Certificates certs) throws IOException {
        Path conf = dir.resolve(name + ".conf");
        String certificates = tls
                ? "ssl_certificate " + certs.certificate().toAbsolutePath() + ";\n        ssl_certificate_key "
                        + certs.privateKey().toAbsolutePath() + ";"
                : "";
        Files.writeString(
                conf,
                Templates.render(
                        "nginx-proxy.conf",
                        Map.of(
                                "dir", dir,
                                "name", name,
                                "port", port,
                                "listenTls", tls ? " ssl" : "",
                                "tlsCertificates", certificates,
                                "upstreamPort", upstreamPort)),
                StandardCharsets.UTF_8);
        return command(conf, name);
    }

    private List<String> command(Path conf, String name) {
        return List.of(
                Benchmark.which("nginx"),
                "-p",
                dir + "/",
                "-c",
                conf.toString(),
                "-e",
                dir.resolve(name + "-error.log").toString());
    }
}
