package io.meshgate.app.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertsCommandTest {

    @TempDir
    Path dir;

    @Test
    void createsCaServerAndClientCertificatesSignedByTheCa() throws Exception {
        assertThat(CertsCommand.run("ca", "--out", dir.toString(), "--name", "test CA"))
                .isZero();
        assertThat(CertsCommand.run(
                        "server",
                        "--out",
                        dir.toString(),
                        "--name",
                        "shop",
                        "--dns",
                        "shop.example.com",
                        "--dns",
                        "*.example.com",
                        "--ip",
                        "127.0.0.1"))
                .isZero();
        assertThat(CertsCommand.run(
                        "--out",
                        dir.toString(),
                        "client",
                        "--name",
                        "frontend",
                        "--uri",
                        "spiffe://cluster.local/ns/shop/sa/frontend"))
                .isZero();

        X509Certificate ca = read(dir.resolve("ca.crt"));
        X509Certificate server = read(dir.resolve("shop.crt"));
        X509Certificate client = read(dir.resolve("frontend.crt"));
        assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=test CA");
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        server.verify(ca.getPublicKey());
        client.verify(ca.getPublicKey());
        assertThat(server.getSubjectAlternativeNames())
                .containsExactly(List.of(2, "shop.example.com"), List.of(2, "*.example.com"), List.of(7, "127.0.0.1"));
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(client.getSubjectAlternativeNames())
                .containsExactly(List.of(6, "spiffe://cluster.local/ns/shop/sa/frontend"));
        assertThat(client.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2");
        assertThat(Files.readString(dir.resolve("shop.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("shop.key"))))
                .isEqualTo("rw-------");
    }

    @Test
    void createsTheCaWhenALeafIsAskedForFirst() throws Exception {
        assertThat(CertsCommand.run("server", "--out", dir.toString(), "--name", "web", "--dns", "localhost"))
                .isZero();
        read(dir.resolve("web.crt")).verify(read(dir.resolve("ca.crt")).getPublicKey());
    }

    @Test
    void refusesToReplaceACaWithoutForce() throws Exception {
        assertThat(CertsCommand.run("ca", "--out", dir.toString())).isZero();
        byte[] first = Files.readAllBytes(dir.resolve("ca.crt"));
        assertThat(CertsCommand.run("ca", "--out", dir.toString())).isNotZero();
        assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(first);
        assertThat(CertsCommand.run("ca", "--out", dir.toString(), "--force")).isZero();
        assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isNotEqualTo(first);
    }

    @Test
    void aServerCertificateNeedsAName() {
        assertThat(CertsCommand.run("server", "--out", dir.toString(), "--name", "x"))
                .isNotZero();
        assertThat(dir.resolve("x.crt")).doesNotExist();
    }

    private static X509Certificate read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
