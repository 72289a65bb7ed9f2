package io.meshgate.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away test CA and a server certificate for {@code localhost} and {@code 127.0.0.1}, made
 * with the {@code openssl} command line (ECDSA P-256, PEM, key in PKCS#8 as Spring's PEM bundles
 * read it). wrk does not verify certificates; the harness' own readiness probe trusts the CA.
 *
 * @param ca the CA certificate
 * @param certificate the server certificate
 * @param privateKey the server's private key
 */
record Certificates(Path ca, Path certificate, Path privateKey) {

    static Certificates create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.crt");
        Path caKey = dir.resolve("ca.key");
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        Path csr = dir.resolve("server.csr");
        Path ext = dir.resolve("server.ext");
        Files.writeString(
                ext,
                "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
                StandardCharsets.UTF_8);
        openssl(
                dir,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-noenc",
                "-keyout",
                caKey.toString(),
                "-out",
                ca.toString(),
                "-days",
                "30",
                "-subj",
                "/CN=meshgate bench CA");
        openssl(
                dir,
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-noenc",
                "-keyout",
                key.toString(),
                "-out",
                csr.toString(),
                "-subj",
                "/CN=localhost");
        openssl(
                dir,
                "x509",
                "-req",
                "-in",
                csr.toString(),
                "-CA",
                ca.toString(),
                "-CAkey",
                caKey.toString(),
                "-CAcreateserial",
                "-out",
                cert.toString(),
                "-days",
                "30",
                "-extfile",
                ext.toString());
        return new Certificates(ca, cert, key);
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + output);
        }
    }

    /** A client context that trusts only this CA. */
    SSLContext clientContext() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            trust.setCertificateEntry(
                    "bench-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** meshgate's TLS listener properties that serve this certificate ({@code meshgate.tls.*}). */
    List<String> meshgateServerArgs() {
        return List.of(
                "--meshgate.tls.certificates[0].certificate=" + certificate.toAbsolutePath(),
                "--meshgate.tls.certificates[0].private-key=" + privateKey.toAbsolutePath());
    }

    /** Spring Boot properties that serve this certificate from a PEM SSL bundle named {@code bench}. */
    List<String> springServerArgs() {
        return List.of(
                "--server.ssl.bundle=bench",
                "--spring.ssl.bundle.pem.bench.keystore.certificate=file:" + certificate.toAbsolutePath(),
                "--spring.ssl.bundle.pem.bench.keystore.private-key=file:" + privateKey.toAbsolutePath());
    }
}
