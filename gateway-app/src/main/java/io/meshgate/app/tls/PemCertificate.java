package io.meshgate.app.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.ssl.pem.PemContent;

/**
 * A certificate chain and its private key read from PEM files and checked to be servable: both
 * parse, the key belongs to the leaf, and the leaf is valid now.
 *
 * @param source where it came from
 * @param chain the certificate chain, leaf first
 * @param privateKey the leaf's private key
 * @param serverNames the SNI names it serves (configured, or the leaf's DNS SANs), lower case
 * @param content the bytes of both files, to tell a real change from a touched file
 */
public record PemCertificate(
        TlsProperties.Certificate source,
        List<X509Certificate> chain,
        PrivateKey privateKey,
        List<String> serverNames,
        byte[] content) {

    /** The leaf certificate. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** The end of the leaf's validity. */
    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** Whether the files still hold what this was read from. */
    boolean sameContent(byte[] other) {
        return Arrays.equals(content, other);
    }

    /** The current bytes of the certificate file and the key file, concatenated. */
    static byte[] readContent(TlsProperties.Certificate source) throws CertificateRejectedException {
        byte[] certificate = readFile(source.certificate());
        byte[] key = readFile(source.privateKey());
        byte[] both = Arrays.copyOf(certificate, certificate.length + key.length);
        System.arraycopy(key, 0, both, certificate.length, key.length);
        return both;
    }

    /**
     * Reads and checks the files of {@code source}.
     *
     * @throws CertificateRejectedException naming the file and what is wrong with it
     */
    public static PemCertificate read(TlsProperties.Certificate source, Instant now)
            throws CertificateRejectedException {
        byte[] certificateBytes = readFile(source.certificate());
        byte[] keyBytes = readFile(source.privateKey());
        List<X509Certificate> chain = certificates(source.certificate(), certificateBytes);
        PrivateKey key = privateKey(source.privateKey(), keyBytes);
        X509Certificate leaf = chain.get(0);
        if (!belongsTo(key, leaf.getPublicKey())) {
            throw new CertificateRejectedException(
                    source.privateKey(),
                    "the private key does not belong to the certificate in " + source.certificate() + " ("
                            + leaf.getSubjectX500Principal().getName() + ")");
        }
        try {
            leaf.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new CertificateRejectedException(
                    source.certificate(),
                    "the certificate expired at " + leaf.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new CertificateRejectedException(
                    source.certificate(),
                    "the certificate is not valid before " + leaf.getNotBefore().toInstant());
        }
        List<String> names =
                source.serverNames().isEmpty() ? dnsNames(source.certificate(), leaf) : source.serverNames();
        byte[] content = Arrays.copyOf(certificateBytes, certificateBytes.length + keyBytes.length);
        System.arraycopy(keyBytes, 0, content, certificateBytes.length, keyBytes.length);
        return new PemCertificate(
                source,
                chain,
                key,
                names.stream().map(name -> name.toLowerCase(Locale.ROOT)).toList(),
                content);
    }

    /**
     * The certificates of a PEM file, such as a CA bundle.
     *
     * @throws CertificateRejectedException naming the file and what is wrong with it
     */
    public static List<X509Certificate> readCertificates(Path file) throws CertificateRejectedException {
        return certificates(file, readFile(file));
    }

    private static byte[] readFile(Path file) throws CertificateRejectedException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CertificateRejectedException(file, "no such file");
        } catch (IOException e) {
            throw new CertificateRejectedException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(Path file, byte[] bytes) throws CertificateRejectedException {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        List<X509Certificate> chain = null;
        if (PemContent.isPresentInText(text)) {
            try {
                chain = PemContent.of(text).getCertificates();
            } catch (RuntimeException e) {
                // The message says it all; the parser's stack trace would only bury it.
                throw new CertificateRejectedException(file, "not a readable PEM certificate: " + e.getMessage());
            }
        }
        if (chain == null || chain.isEmpty()) {
            throw new CertificateRejectedException(file, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(chain);
    }

    private static PrivateKey privateKey(Path file, byte[] bytes) throws CertificateRejectedException {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        PrivateKey key = null;
        if (PemContent.isPresentInText(text)) {
            try {
                key = PemContent.of(text).getPrivateKey();
            } catch (RuntimeException e) {
                throw new CertificateRejectedException(file, "not a readable PEM private key: " + e.getMessage());
            }
        }
        if (key == null) {
            throw new CertificateRejectedException(
                    file, "holds no unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)");
        }
        return key;
    }

    /** Whether {@code key} signs what {@code publicKey} verifies: works for RSA, EC and EdDSA alike. */
    private static boolean belongsTo(PrivateKey key, PublicKey publicKey) {
        String algorithm =
                switch (publicKey.getAlgorithm()) {
                    case "RSA" -> "SHA256withRSA";
                    case "EC" -> "SHA256withECDSA";
                    case "Ed25519", "EdDSA" -> "Ed25519";
                    case "Ed448" -> "Ed448";
                    default -> null;
                };
        if (algorithm == null) {
            return false;
        }
        try {
            byte[] probe = "meshgate key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            // A key of another type fails here (InvalidKeyException), a key of the same type below.
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<String> dnsNames(Path file, X509Certificate leaf) throws CertificateRejectedException {
        try {
            Collection<List<?>> alternativeNames = leaf.getSubjectAlternativeNames();
            List<String> names = new ArrayList<>();
            if (alternativeNames != null) {
                for (List<?> name : alternativeNames) {
                    if (Integer.valueOf(2).equals(name.get(0))) {
                        names.add(String.valueOf(name.get(1)));
                    }
                }
            }
            return names;
        } catch (CertificateParsingException e) {
            throw new CertificateRejectedException(file, "unreadable subject alternative names: " + e.getMessage(), e);
        }
    }
}
