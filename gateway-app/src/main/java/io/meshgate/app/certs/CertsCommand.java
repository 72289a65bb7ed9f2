package io.meshgate.app.certs;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code meshgate certs}: creates a development CA and leaf certificates as PEM files, without
 * starting the gateway. {@code java -jar meshgate.jar certs --help} lists the options.
 */
@Command(
        name = "meshgate.jar certs",
        mixinStandardHelpOptions = true,
        description = "Creates a development CA and certificates signed by it (PEM; ECDSA P-256). Not for production.",
        subcommands = {CertsCommand.Ca.class, CertsCommand.Server.class, CertsCommand.Client.class})
public final class CertsCommand {

    /** The first argument that selects this command instead of the gateway. */
    public static final String NAME = "certs";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--out",
            defaultValue = "certs",
            description = "Directory of the files (default: ${DEFAULT-VALUE}). The CA is DIR/ca.crt and DIR/ca.key.",
            scope = CommandLine.ScopeType.INHERIT)
    Path out;

    /** Runs the command; returns the process exit code. */
    public static int run(String... args) {
        return new CommandLine(new CertsCommand()).execute(args);
    }

    Path caCertificate() {
        return out.resolve("ca.crt");
    }

    Path caKey() {
        return out.resolve("ca.key");
    }

    PrintWriter stdout() {
        return spec.commandLine().getOut();
    }

    /** The CA in the output directory, created there first if there is none. */
    DevCertificateAuthority caOrNew() throws IOException {
        if (Files.exists(caCertificate())) {
            return DevCertificateAuthority.load(caCertificate(), caKey());
        }
        DevCertificateAuthority ca = DevCertificateAuthority.create(Ca.DEFAULT_NAME);
        ca.write(caCertificate(), caKey());
        stdout().printf("Created CA %s (key %s)%n", caCertificate(), caKey());
        return ca;
    }

    @Command(name = "ca", mixinStandardHelpOptions = true, description = "Creates DIR/ca.crt and DIR/ca.key.")
    static final class Ca implements Callable<Integer> {

        static final String DEFAULT_NAME = "meshgate development CA";

        @ParentCommand
        CertsCommand certs;

        @Option(
                names = "--name",
                defaultValue = DEFAULT_NAME,
                description = "CN of the CA (default: ${DEFAULT-VALUE}).")
        String name;

        @Option(names = "--days", defaultValue = "3650", description = "Validity in days (default: ${DEFAULT-VALUE}).")
        int days;

        @Option(names = "--force", description = "Replace an existing CA (certificates it signed stop verifying).")
        boolean force;

        @Override
        public Integer call() throws IOException {
            if (Files.exists(certs.caCertificate()) && !force) {
                throw new CommandLine.ParameterException(
                        certs.spec.commandLine(), certs.caCertificate() + " exists; pass --force to replace it");
            }
            Instant now = Instant.now();
            DevCertificateAuthority.create(name, now.minus(LeafSpec.BACKDATE), now.plus(Duration.ofDays(days)))
                    .write(certs.caCertificate(), certs.caKey());
            certs.stdout().printf("Created CA %s (key %s)%n", certs.caCertificate(), certs.caKey());
            return 0;
        }
    }

    /** The options server and client certificates share. */
    abstract static class Leaf implements Callable<Integer> {

        @ParentCommand
        CertsCommand certs;

        @Option(names = "--name", required = true, description = "File name: DIR/NAME.crt and DIR/NAME.key.")
        String name;

        @Option(names = "--dns", description = "A DNS SAN, such as shop.example.com or *.example.com (repeatable).")
        List<String> dnsNames = new ArrayList<>();

        @Option(names = "--ip", description = "An IP address SAN (repeatable).")
        List<String> ipAddresses = new ArrayList<>();

        @Option(names = "--days", defaultValue = "90", description = "Validity in days (default: ${DEFAULT-VALUE}).")
        int days;

        abstract LeafSpec spec(Instant notBefore, Instant notAfter);

        @Override
        public Integer call() throws IOException {
            Instant now = Instant.now();
            LeafSpec spec = spec(now.minus(LeafSpec.BACKDATE), now.plus(Duration.ofDays(days)));
            IssuedCertificate issued = certs.caOrNew().issue(spec);
            Path certificate = certs.out.resolve(name + ".crt");
            Path key = certs.out.resolve(name + ".key");
            issued.write(certificate, key);
            certs.stdout().printf("Created %s (key %s)%n", certificate, key);
            return 0;
        }
    }

    @Command(
            name = "server",
            mixinStandardHelpOptions = true,
            description = "Creates a server certificate for DNS names (the first is also the CN) and IP addresses.")
    static final class Server extends Leaf {

        @Override
        LeafSpec spec(Instant notBefore, Instant notAfter) {
            if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
                throw new CommandLine.ParameterException(
                        certs.spec.commandLine(), "a server certificate needs at least one --dns or --ip");
            }
            String commonName = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
            return new LeafSpec(
                    commonName, dnsNames, ipAddresses, List.of(), LeafSpec.Usage.SERVER, notBefore, notAfter);
        }
    }

    @Command(
            name = "client",
            mixinStandardHelpOptions = true,
            description = "Creates a mesh client certificate whose identity is a URI SAN (a SPIFFE ID) or DNS names.")
    static final class Client extends Leaf {

        @Option(
                names = "--uri",
                description = "A URI SAN, such as spiffe://cluster.local/ns/shop/sa/frontend (repeatable).")
        List<String> uris = new ArrayList<>();

        @Override
        LeafSpec spec(Instant notBefore, Instant notAfter) {
            if (uris.isEmpty() && dnsNames.isEmpty()) {
                throw new CommandLine.ParameterException(
                        certs.spec.commandLine(), "a client certificate needs at least one --uri or --dns");
            }
            return new LeafSpec(name, dnsNames, ipAddresses, uris, LeafSpec.Usage.CLIENT, notBefore, notAfter);
        }
    }
}
