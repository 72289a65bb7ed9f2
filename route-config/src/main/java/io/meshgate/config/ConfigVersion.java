package io.meshgate.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The version of a configuration: the first 12 hex digits of a SHA-256 over its files' names and
 * contents. Equal input gives an equal version on every replica, so a reload that changed nothing
 * can be recognised, and two gateways can be compared.
 */
final class ConfigVersion {

    private ConfigVersion() {}

    static String of(List<RouteSource> sources) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        List<RouteSource> sorted = sources.stream()
                .sorted(Comparator.comparing(source -> fileName(source.name())))
                .toList();
        for (RouteSource source : sorted) {
            // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
            update(sha256, fileName(source.name()));
            update(sha256, source.text());
        }
        return HexFormat.of().formatHex(sha256.digest()).substring(0, 12);
    }

    /**
     * The last segment of a file name: where the directory is mounted must not change the version,
     * so a dry run on a laptop and a pod agree.
     */
    private static String fileName(String name) {
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        return name.substring(slash + 1);
    }

    private static void update(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        digest.update(new byte[] {
            (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8), (byte) bytes.length
        });
        digest.update(bytes);
    }
}
