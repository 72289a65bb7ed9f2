package io.meshgate.match;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Matches the request's host (the {@code Host} header without its port) against exact names,
 * leading-label wildcards ({@code *.example.com}) and {@code *}. Compiled once per configuration.
 */
public final class HostMatcher {

    private final boolean any;
    private final Set<String> exact;
    private final String[] suffixes;

    private HostMatcher(boolean any, Set<String> exact, String[] suffixes) {
        this.any = any;
        this.exact = exact;
        this.suffixes = suffixes;
    }

    /** A matcher for the given patterns; an empty list matches every host. */
    public static HostMatcher of(List<String> patterns) {
        boolean any = patterns.isEmpty();
        Set<String> exact = new HashSet<>();
        List<String> suffixes = new ArrayList<>();
        for (String pattern : patterns) {
            String lower = pattern.toLowerCase(Locale.ROOT);
            if (lower.equals("*")) {
                any = true;
            } else if (lower.startsWith("*.")) {
                suffixes.add(lower.substring(1));
            } else {
                exact.add(lower);
            }
        }
        return new HostMatcher(any, Set.copyOf(exact), suffixes.toArray(String[]::new));
    }

    /** Whether a {@code Host} header value (possibly with a port, possibly null) matches. */
    public boolean matches(String hostHeader) {
        if (any) {
            return true;
        }
        if (hostHeader == null || hostHeader.isEmpty()) {
            return false;
        }
        String host = stripPort(hostHeader).toLowerCase(Locale.ROOT);
        if (exact.contains(host)) {
            return true;
        }
        for (String suffix : suffixes) {
            // "*.example.com" takes "a.example.com" and "a.b.example.com", not "example.com".
            if (host.length() > suffix.length() && host.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    static String stripPort(String hostHeader) {
        if (hostHeader.charAt(0) == '[') {
            int close = hostHeader.indexOf(']');
            return close > 0 ? hostHeader.substring(0, close + 1) : hostHeader;
        }
        int colon = hostHeader.lastIndexOf(':');
        return colon >= 0 ? hostHeader.substring(0, colon) : hostHeader;
    }
}
