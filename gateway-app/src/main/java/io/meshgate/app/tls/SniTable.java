package io.meshgate.app.tls;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which certificate a TLS handshake gets for its SNI name: an exact name first, then a wildcard
 * {@code *.example.com} covering one leftmost label, then the default (the first certificate).
 * Immutable; built once per certificate (re)load, looked up once per handshake.
 *
 * @param <T> what a name maps to (the SSL provider of a certificate)
 */
final class SniTable<T> {

    private final T fallback;
    private final Map<String, T> exact;
    private final Map<String, T> wildcards;

    private SniTable(T fallback, Map<String, T> exact, Map<String, T> wildcards) {
        this.fallback = fallback;
        this.exact = exact;
        this.wildcards = wildcards;
    }

    /**
     * A table of {@code entries} in order: the first entry claiming a name wins it, and the first
     * entry is the default.
     */
    static <T> SniTable<T> of(List<Entry<T>> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("at least one certificate is needed");
        }
        Map<String, T> exact = new HashMap<>();
        Map<String, T> wildcards = new HashMap<>();
        for (Entry<T> entry : entries) {
            for (String name : entry.serverNames()) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.startsWith("*.")) {
                    wildcards.putIfAbsent(lower.substring(2), entry.value());
                } else {
                    exact.putIfAbsent(lower, entry.value());
                }
            }
        }
        return new SniTable<>(entries.get(0).value(), Map.copyOf(exact), Map.copyOf(wildcards));
    }

    /** The value for a handshake's SNI name, or the default for {@code null} or an unknown name. */
    T select(String serverName) {
        if (serverName == null) {
            return fallback;
        }
        // Once per handshake; DNS names are case-insensitive.
        String name = serverName.toLowerCase(Locale.ROOT);
        T value = exact.get(name);
        if (value != null) {
            return value;
        }
        int dot = name.indexOf('.');
        if (dot > 0 && !wildcards.isEmpty()) {
            value = wildcards.get(name.substring(dot + 1));
        }
        return value != null ? value : fallback;
    }

    /** The default value. */
    T fallback() {
        return fallback;
    }

    /**
     * The names a value serves.
     *
     * @param serverNames exact names and wildcards
     * @param value what they map to
     */
    record Entry<T>(List<String> serverNames, T value) {}
}
