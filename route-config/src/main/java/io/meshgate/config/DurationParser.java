package io.meshgate.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses route-file durations: a decimal number and a unit, one of {@code ms}, {@code s}, {@code
 * m}, {@code h} ({@code 250ms}, {@code 1.5s}, {@code 2m}). A unit is required because a bare
 * {@code 5} is ambiguous between seconds and milliseconds, and gateways disagree on which.
 */
final class DurationParser {

    private static final Pattern NUMBER_AND_UNIT = Pattern.compile("(-?)([0-9]+(?:\\.[0-9]+)?)([a-zA-Zµ]*)");
    private static final String UNITS = "ms, s, m, h";
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private DurationParser() {}

    /**
     * The duration written in {@code text}.
     *
     * @throws IllegalArgumentException with a message for the user if the text is not a duration
     */
    static Duration parse(String text) {
        Matcher matcher = NUMBER_AND_UNIT.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("invalid duration '" + text + "'; expected a number and a unit (" + UNITS
                    + "), such as 250ms or 1.5s");
        }
        if (!matcher.group(1).isEmpty()) {
            throw new IllegalArgumentException("invalid duration '" + text + "'; a duration cannot be negative");
        }
        String unit = matcher.group(3);
        if (unit.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid duration '" + text + "'; add a unit (" + UNITS + "), such as " + matcher.group(2) + "s");
        }
        long nanosPerUnit =
                switch (unit) {
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    case "h" -> 3_600_000_000_000L;
                    default -> throw new IllegalArgumentException(
                            "invalid duration '" + text + "'; unknown unit '" + unit + "', expected one of: " + UNITS);
                };
        BigDecimal nanos = new BigDecimal(matcher.group(2)).multiply(BigDecimal.valueOf(nanosPerUnit));
        if (nanos.compareTo(MAX_NANOS) > 0) {
            throw new IllegalArgumentException("invalid duration '" + text + "'; too long");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** A duration as a route file would write it: whole seconds as {@code 30s}, else milliseconds. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
