package io.meshgate.app.tls;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real TLS clients of the tests: {@code openssl s_client} and {@code curl}, skipped when missing. */
final class Commands {

    private static final Pattern PEM =
            Pattern.compile("-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", Pattern.DOTALL);

    private Commands() {}

    /** What a command printed (stdout and stderr) and how it ended. */
    record Result(int exitCode, String output) {}

    static void assumeInstalled(String binary) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            found |= new java.io.File(dir, binary).canExecute();
        }
        assumeTrue(found, binary + " is not installed (.ci/run installs it); skipping the test that needs it");
    }

    static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 30 s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /**
     * {@code openssl s_client} against 127.0.0.1:port with {@code serverName} as SNI (none if
     * null) and extra options such as {@code -tls1_1}.
     */
    static Result sClient(int port, String serverName, String... options) throws IOException, InterruptedException {
        assumeInstalled("openssl");
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
        if (serverName == null) {
            command.add("-noservername");
        } else {
            command.addAll(List.of("-servername", serverName));
        }
        command.addAll(List.of(options));
        return run(command.toArray(String[]::new));
    }

    /** The certificate the server sent in an {@code s_client} handshake. */
    static X509Certificate servedCertificate(Result sClient) throws CertificateException {
        Matcher matcher = PEM.matcher(sClient.output());
        if (!matcher.find()) {
            throw new AssertionError("no certificate in the s_client output:\n" + sClient.output());
        }
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(matcher.group().getBytes(StandardCharsets.US_ASCII)));
    }

    /** The certificate served on 127.0.0.1:port for the SNI name (none if null). */
    static X509Certificate servedCertificate(int port, String serverName) throws Exception {
        return servedCertificate(sClient(port, serverName));
    }
}
