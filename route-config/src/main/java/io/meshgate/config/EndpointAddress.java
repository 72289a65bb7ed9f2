package io.meshgate.config;

import java.util.regex.Pattern;

/**
 * A static endpoint's address, {@code host:port} or {@code [ipv6]:port}, checked without any DNS
 * lookup: a route file must load the same way on a laptop and in the cluster.
 *
 * @param host a host name, an IPv4 literal or an IPv6 literal without brackets
 */
record EndpointAddress(String host, int port) {

    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\\.?");
    private static final Pattern DOTTED_NUMBERS = Pattern.compile("[0-9.]+");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final String EXPECTED = "expected host:port or [ipv6]:port, such as 10.0.0.1:8080";

    /**
     * Parses an address.
     *
     * @throws IllegalArgumentException with a message for the user if the address is not valid
     */
    static EndpointAddress parse(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw invalid(text, "missing ']' after the IPv6 address");
            }
            host = text.substring(1, close);
            if (!isIpv6(host)) {
                throw invalid(text, "'" + host + "' is not an IPv6 address");
            }
            if (close + 1 == text.length() || text.charAt(close + 1) != ':') {
                throw invalid(text, "missing port; " + EXPECTED);
            }
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw invalid(text, "missing port; " + EXPECTED);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw invalid(text, "an IPv6 address needs brackets, as in [::1]:8080");
            }
            if (!isHostName(host)) {
                throw invalid(text, "'" + host + "' is not a host name or IPv4 address");
            }
        }
        return new EndpointAddress(host, parsePort(text, port));
    }

    private static int parsePort(String text, String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(text, "port '" + port + "' is not a number from 1 to 65535");
        }
        int value = Integer.parseInt(port);
        if (value < 1 || value > 65535) {
            throw invalid(text, "port " + value + " is out of range; expected 1 to 65535");
        }
        return value;
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid address '" + text + "': " + why);
    }

    static boolean isHostName(String host) {
        if (host.isEmpty() || host.length() > 253 || !HOST_NAME.matcher(host).matches()) {
            return false;
        }
        // "300.1.2.3" fits the host-name grammar but is surely a mistyped IPv4 address.
        return !DOTTED_NUMBERS.matcher(host).matches() || isIpv4(host);
    }

    static boolean isIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return false;
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** RFC 4291 text form: eight hex groups, one {@code ::} for a run of zeros, an IPv4 tail. */
    static boolean isIpv6(String text) {
        String address = text;
        int zone = address.indexOf('%');
        if (zone >= 0) {
            if (zone == address.length() - 1) {
                return false;
            }
            address = address.substring(0, zone);
        }
        int groups = 0;
        String tail = address;
        int lastColon = address.lastIndexOf(':');
        if (lastColon >= 0 && address.indexOf('.', lastColon) >= 0) {
            if (!isIpv4(address.substring(lastColon + 1))) {
                return false;
            }
            groups = 2;
            // Keep the colon so "::1.2.3.4" still ends in "::".
            tail = address.substring(0, lastColon + 1);
            if (!tail.endsWith("::")) {
                tail = tail.substring(0, tail.length() - 1);
            }
        }
        int doubleColon = tail.indexOf("::");
        if (doubleColon >= 0 && tail.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        if (doubleColon >= 0) {
            int left = countGroups(tail.substring(0, doubleColon));
            int right = countGroups(tail.substring(doubleColon + 2));
            return left >= 0 && right >= 0 && left + right + groups <= 7;
        }
        int count = countGroups(tail);
        return count >= 0 && count + groups == 8;
    }

    /** The number of hex groups in a colon-separated run, or -1 if one is malformed. */
    private static int countGroups(String run) {
        if (run.isEmpty()) {
            return 0;
        }
        String[] groups = run.split(":", -1);
        for (String group : groups) {
            if (!HEX_GROUP.matcher(group).matches()) {
                return -1;
            }
        }
        return groups.length;
    }
}
