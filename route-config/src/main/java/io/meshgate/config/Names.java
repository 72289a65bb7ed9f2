package io.meshgate.config;

import java.util.regex.Pattern;

/**
 * The rule for names that users choose (upstream names and route ids): DNS-name-like, so they are
 * safe as metric tags, log fields and URL path segments without quoting.
 */
final class Names {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    private Names() {}

    static boolean isValid(String name) {
        return NAME.matcher(name).matches();
    }

    /** The error message for an invalid name of the given kind ("route id", "upstream name"). */
    static String invalid(String kind, String name) {
        return "invalid " + kind + " '" + name + "'; use lower-case letters, digits, '-' and '.', "
                + "starting and ending with a letter or digit (like a DNS name)";
    }
}
