package io.meshgate.app.certs;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * A certificate and its private key, written as PEM: the certificate as {@code CERTIFICATE}, the key
 * unencrypted in PKCS#8 ({@code PRIVATE KEY}), the form Kubernetes TLS Secrets, cert-manager and
 * meshgate's TLS listener read.
 *
 * @param certificate the certificate
 * @param privateKey its private key
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey) {

    /** The certificate as PEM. */
    public String certificatePem() {
        return pem(certificate);
    }

    /** The private key as unencrypted PKCS#8 PEM. */
    public String privateKeyPem() {
        try {
            return pem(new JcaPKCS8Generator(privateKey, null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the certificate and the key (the key readable by its owner only, where the file system can say so). */
    public void write(Path certificateFile, Path privateKeyFile) throws IOException {
        writeFile(certificateFile, certificatePem(), false);
        writeFile(privateKeyFile, privateKeyPem(), true);
    }

    static void writeFile(Path file, String content, boolean secret) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempFile(parent, ".tmp-", ".pem");
        try {
            if (secret && Files.getFileStore(temp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(temp, content);
            Files.move(
                    temp,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
