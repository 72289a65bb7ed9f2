package io.meshgate.app.edge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The CIDR blocks of trusted proxies, parsed once at start. {@link #trusts} compares an address's
 * bytes with each block's prefix: no allocation, and in practice a handful of blocks.
 */
final class TrustedProxies {

    static final TrustedProxies NONE = new TrustedProxies(new byte[0][], new int[0]);

    private final byte[][] networks;
    private final int[] prefixLengths;

    private TrustedProxies(byte[][] networks, int[] prefixLengths) {
        this.networks = networks;
        this.prefixLengths = prefixLengths;
    }

    /**
     * Parses CIDRs such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a block of one.
     *
     * @throws IllegalArgumentException naming the entry that is not a CIDR
     */
    static TrustedProxies parse(List<String> cidrs) {
        byte[][] networks = new byte[cidrs.size()][];
        int[] prefixLengths = new int[cidrs.size()];
        for (int i = 0; i < cidrs.size(); i++) {
            String cidr = cidrs.get(i).strip();
            int slash = cidr.indexOf('/');
            String address = slash < 0 ? cidr : cidr.substring(0, slash);
            byte[] bytes = literal(address, cidr);
            int prefix;
            try {
                prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw invalid(cidr, "the prefix length is not a number");
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw invalid(cidr, "the prefix length must be 0 to " + bytes.length * 8);
            }
            networks[i] = bytes;
            prefixLengths[i] = prefix;
        }
        return new TrustedProxies(networks, prefixLengths);
    }

    private static byte[] literal(String address, String cidr) {
        // Only literals: InetAddress.getByName would resolve a host name through DNS.
        boolean literal = !address.isEmpty()
                && (address.indexOf(':') >= 0 || address.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')));
        if (!literal) {
            throw invalid(cidr, "expected an IPv4 or IPv6 address, such as 10.0.0.0/8 or fd00::/8");
        }
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw invalid(cidr, "expected an IPv4 or IPv6 address, such as 10.0.0.0/8 or fd00::/8");
        }
    }

    private static IllegalArgumentException invalid(String cidr, String why) {
        return new IllegalArgumentException("meshgate.forwarded.trusted-proxies: '" + cidr + "' is not a CIDR: " + why);
    }

    boolean isEmpty() {
        return networks.length == 0;
    }

    /** Whether the address lies in one of the blocks (an IPv4 address never in an IPv6 block). */
    boolean trusts(InetAddress address) {
        if (networks.length == 0 || address == null) {
            return false;
        }
        byte[] bytes = address.getAddress();
        for (int i = 0; i < networks.length; i++) {
            if (matches(networks[i], prefixLengths[i], bytes)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[] network, int prefix, byte[] address) {
        if (network.length != address.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (network[i] != address[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest);
        return (network[whole] & mask) == (address[whole] & mask);
    }
}
