package io.meshgate.app.certs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a leaf certificate issued by a {@link DevCertificateAuthority} says: its subject, its
 * subject alternative names and its validity.
 *
 * @param commonName the subject's CN
 * @param dnsNames DNS SANs, wildcards such as {@code *.example.com} allowed
 * @param ipAddresses IP address SANs
 * @param uris URI SANs, such as a SPIFFE ID {@code spiffe://cluster.local/ns/shop/sa/frontend}
 * @param usage what the certificate is for (its extended key usage)
 * @param notBefore start of validity
 * @param notAfter end of validity
 */
public record LeafSpec(
        String commonName,
        List<String> dnsNames,
        List<String> ipAddresses,
        List<String> uris,
        Usage usage,
        Instant notBefore,
        Instant notAfter) {

    /** How long a leaf is valid unless said otherwise. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(90);

    /** Validity starts this long before "now", so a clock a little behind still accepts it. */
    static final Duration BACKDATE = Duration.ofHours(1);

    /** The extended key usage of a leaf. */
    public enum Usage {
        /** A TLS server ({@code serverAuth}). */
        SERVER,
        /** A mesh workload, which is a client and a server ({@code clientAuth} and {@code serverAuth}). */
        CLIENT
    }

    public LeafSpec {
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        uris = List.copyOf(uris);
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
    }

    /** A server certificate for the DNS names (the first is the CN), valid for 90 days from now. */
    public static LeafSpec server(String... dnsNames) {
        if (dnsNames.length == 0) {
            throw new IllegalArgumentException("a server certificate needs at least one DNS name");
        }
        Instant now = Instant.now();
        return new LeafSpec(
                dnsNames[0],
                List.of(dnsNames),
                List.of(),
                List.of(),
                Usage.SERVER,
                now.minus(BACKDATE),
                now.plus(DEFAULT_VALIDITY));
    }

    /** A mesh client certificate whose identity is the URI SAN, valid for 90 days from now. */
    public static LeafSpec client(String commonName, String uri) {
        Instant now = Instant.now();
        return new LeafSpec(
                commonName,
                List.of(),
                List.of(),
                List.of(uri),
                Usage.CLIENT,
                now.minus(BACKDATE),
                now.plus(DEFAULT_VALIDITY));
    }

    /** This spec with these IP address SANs instead. */
    public LeafSpec withIpAddresses(String... addresses) {
        return new LeafSpec(commonName, dnsNames, List.of(addresses), uris, usage, notBefore, notAfter);
    }

    /** This spec with these DNS SANs instead. */
    public LeafSpec withDnsNames(String... names) {
        return new LeafSpec(commonName, List.of(names), ipAddresses, uris, usage, notBefore, notAfter);
    }

    /** This spec with these URI SANs instead. */
    public LeafSpec withUris(String... newUris) {
        return new LeafSpec(commonName, dnsNames, ipAddresses, List.of(newUris), usage, notBefore, notAfter);
    }

    /** This spec with another validity (tests make expired and not-yet-valid certificates with it). */
    public LeafSpec validBetween(Instant from, Instant until) {
        return new LeafSpec(commonName, dnsNames, ipAddresses, uris, usage, from, until);
    }
}
