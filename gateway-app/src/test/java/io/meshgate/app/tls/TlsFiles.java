package io.meshgate.app.tls;

import io.meshgate.app.certs.DevCertificateAuthority;
import io.meshgate.app.certs.IssuedCertificate;
import io.meshgate.app.certs.LeafSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A temporary directory with a development CA and the certificates a test issues into it. */
final class TlsFiles {

    final Path dir;
    final DevCertificateAuthority ca;

    private TlsFiles(Path dir, DevCertificateAuthority ca) {
        this.dir = dir;
        this.ca = ca;
    }

    static TlsFiles create() {
        try {
            Path dir = Files.createTempDirectory("meshgate-tls-");
            DevCertificateAuthority ca = DevCertificateAuthority.create("meshgate test CA");
            Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
            return new TlsFiles(dir, ca);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Issues a certificate and writes it as {@code name.crt} and {@code name.key}. */
    IssuedCertificate issue(String name, LeafSpec spec) {
        IssuedCertificate issued = ca.issue(spec);
        try {
            issued.write(certificate(name), key(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return issued;
    }

    Path certificate(String name) {
        return dir.resolve(name + ".crt");
    }

    Path key(String name) {
        return dir.resolve(name + ".key");
    }

    Path caFile() {
        return dir.resolve("ca.crt");
    }

    /** The gateway arguments that serve certificate {@code name} as {@code meshgate.tls.certificates[index]}. */
    String[] args(int index, String name) {
        String prefix = "--meshgate.tls.certificates[" + index + "].";
        return new String[] {prefix + "certificate=" + certificate(name), prefix + "private-key=" + key(name)};
    }
}
