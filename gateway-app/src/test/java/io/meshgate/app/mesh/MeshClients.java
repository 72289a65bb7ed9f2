package io.meshgate.app.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.app.GatewayExtension;
import io.meshgate.app.certs.DevCertificateAuthority;
import io.meshgate.app.certs.IssuedCertificate;
import io.meshgate.app.certs.LeafSpec;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Mesh test fixture: a mesh CA, the mesh listener's server certificate and client certificates with
 * SPIFFE IDs, written to a temporary directory, and {@code curl --cert} requests to the mesh listener
 * of a running gateway.
 */
final class MeshClients {

    static final String SERVER_NAME = "meshgate.mesh.test";

    private final Path dir;
    private final DevCertificateAuthority ca = DevCertificateAuthority.create("mesh CA");

    MeshClients() {
        try {
            dir = Files.createTempDirectory("meshgate-mesh-");
            Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
            // What curl checks the listener's certificate with; ca.crt is the listener's client CA.
            Files.writeString(dir.resolve("server-ca.crt"), ca.certificatePem());
            ca.issue(LeafSpec.server(SERVER_NAME).withIpAddresses("127.0.0.1"))
                    .write(dir.resolve("server.crt"), dir.resolve("server.key"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Issues a client certificate named {@code name} whose identity is the SPIFFE ID. */
    MeshClients client(String name, String spiffeId) {
        return client(ca, name, spiffeId);
    }

    /** Issues a client certificate from another CA. */
    MeshClients client(DevCertificateAuthority issuer, String name, String spiffeId) {
        try {
            IssuedCertificate certificate = issuer.issue(LeafSpec.client(name, spiffeId));
            certificate.write(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The listener's client CA file. */
    Path clientCaFile() {
        return dir.resolve("ca.crt");
    }

    /** Replaces the listener's client CA file in one step (a rename), as a Secret update does. */
    void writeClientCa(String content) {
        try {
            Path next = Files.writeString(dir.resolve("ca.crt.next"), content);
            Files.move(next, clientCaFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The gateway arguments of a mesh listener on 127.0.0.1 with these certificates. */
    GatewayExtension configure(GatewayExtension gateway) {
        return gateway.arg("--meshgate.mesh.port=0")
                .arg("--meshgate.mesh.address=127.0.0.1")
                .arg("--meshgate.mesh.certificate=" + dir.resolve("server.crt"))
                .arg("--meshgate.mesh.private-key=" + dir.resolve("server.key"))
                .arg("--meshgate.mesh.client-ca=" + dir.resolve("ca.crt"));
    }

    static boolean curlInstalled() {
        for (String path : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (new File(path, "curl").canExecute()) {
                return true;
            }
        }
        return false;
    }

    /** A curl answer: the status code and the body. */
    record Answer(int status, String body) {}

    /** GET {@code path} on the mesh listener as client {@code client}, with extra curl arguments. */
    Answer get(GatewayExtension gateway, String client, String path, String... extra) {
        Answer answer = request(gateway, client, path, extra);
        assertThat(answer.status()).as("curl failed: " + answer.body()).isNotNegative();
        return answer;
    }

    /** Like {@link #get}, but a failed handshake is an answer with status -1 (and curl's message). */
    Answer request(GatewayExtension gateway, String client, String path, String... extra) {
        int port = gateway.context().getBean(MeshServer.class).port();
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "-sS",
                "--http2",
                "--cacert",
                dir.resolve("server-ca.crt").toString(),
                "--resolve",
                SERVER_NAME + ":" + port + ":127.0.0.1",
                "--cert",
                dir.resolve(client + ".crt").toString(),
                "--key",
                dir.resolve(client + ".key").toString(),
                "-w",
                "\n%{http_code}"));
        command.addAll(List.of(extra));
        command.add("https://" + SERVER_NAME + ":" + port + path);
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            if (process.exitValue() != 0) {
                return new Answer(-1, output);
            }
            int newline = output.lastIndexOf('\n');
            return new Answer(Integer.parseInt(output.substring(newline + 1).strip()), output.substring(0, newline));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
