package io.meshgate.app.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meshgate.app.GatewayExtension;
import io.meshgate.app.certs.DevCertificateAuthority;
import io.meshgate.app.certs.LeafSpec;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The mesh listener's client CA file is watched: a new CA is trusted by new handshakes within
 * seconds (and the old one no longer), a bad file is refused with one log line naming the file and
 * the reason, counted, and the CA before it stays trusted.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeshClientCaReloadIT {

    private static final String ID = "spiffe://cluster.local/ns/shop/sa/frontend";

    private static final MeshClients mesh = new MeshClients();

    @RegisterExtension
    static final GatewayExtension gateway = mesh.configure(
            GatewayExtension.withUpstreams("v1")
                    .routes(
                            """
                    upstreams:
                      v1: { endpoints: [ { address: "{{v1}}" } ] }
                    routes:
                      - { id: any, upstream: v1, authorization: { allow: { identities: ["*"] } } }
                    """));

    @BeforeAll
    static void curlIsInstalled() {
        assumeTrue(MeshClients.curlInstalled(), "curl is not installed (.ci/run installs it); skipping");
    }

    /** Makes a new CA and its client {@code name}, trusts only that CA, and waits until it is served. */
    private static DevCertificateAuthority rotateTo(String name) {
        DevCertificateAuthority ca = DevCertificateAuthority.create(name + " CA");
        mesh.client(ca, name, ID);
        mesh.writeClientCa(ca.certificatePem());
        await().atMost(Duration.ofSeconds(3)).until(() -> accepted(name));
        return ca;
    }

    private static boolean accepted(String client) {
        return mesh.request(gateway, client, "/x").status() == 200;
    }

    private static double reloads(String result) {
        var counter = gateway.context()
                .getBean(MeterRegistry.class)
                .find("meshgate.tls.certificate.reloads")
                .tags("name", MeshClientCa.NAME, "result", result)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aNewCaIsTrustedByNewHandshakesAndTheOldOneNoLonger(CapturedOutput output) {
        rotateTo("first");
        double before = reloads("success");

        rotateTo("second");

        assertThat(accepted("first")).isFalse();
        assertThat(mesh.request(gateway, "first", "/x").status()).isEqualTo(-1);
        assertThat(reloads("success")).isEqualTo(before + 1);
        assertThat(output.getOut()).contains("Mesh client CA reloaded from " + mesh.clientCaFile());
    }

    @Test
    void aBadFileIsRefusedOnceAndTheCaBeforeItStaysTrusted(CapturedOutput output) {
        DevCertificateAuthority good = rotateTo("kept");
        String notACa = good.issue(LeafSpec.client("leaf", ID)).certificatePem();

        for (String bad : new String[] {"not a certificate\n", notACa}) {
            double before = reloads("rejected");
            mesh.writeClientCa(bad);
            await().atMost(Duration.ofSeconds(3)).until(() -> reloads("rejected") > before);
        }

        assertThat(accepted("kept")).isTrue();
        String file = mesh.clientCaFile().toString();
        assertThat(output.getOut()
                        .lines()
                        .filter(line ->
                                line.contains("Mesh client CA not reloaded: " + file + ": holds no PEM certificate")))
                .hasSize(1);
        assertThat(output.getOut()
                        .lines()
                        .filter(line -> line.contains("Mesh client CA not reloaded: " + file + ": '")
                                && line.contains("is not a CA certificate")))
                .hasSize(1);
    }
}
