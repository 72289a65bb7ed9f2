package io.meshgate.app.tls;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the TLS metrics out of a Prometheus exposition. */
final class TlsMetrics {

    private TlsMetrics() {}

    /** {@code meshgate_tls_certificate_expiry_seconds{name}}, epoch seconds. */
    static long expiry(String exposition, String name) {
        return (long) value(exposition, "meshgate_tls_certificate_expiry_seconds{name=\"" + name + "\"}");
    }

    /** {@code meshgate_tls_certificate_reloads_total{name,result}}. */
    static long reloads(String exposition, String name, String result) {
        return (long) value(
                exposition, "meshgate_tls_certificate_reloads_total{name=\"" + name + "\",result=\"" + result + "\"}");
    }

    private static double value(String exposition, String series) {
        Matcher matcher =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        if (!matcher.find()) {
            throw new AssertionError("no " + series + " in\n" + exposition);
        }
        return Double.parseDouble(matcher.group(1));
    }
}
