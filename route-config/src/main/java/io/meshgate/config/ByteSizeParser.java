package io.meshgate.config;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses route-file sizes: a whole number and a binary unit, one of {@code B}, {@code KiB}, {@code
 * MiB} ({@code 0B}, {@code 64KiB}, {@code 1MiB}). Decimal units (KB, MB) are refused rather than
 * guessed, since tools disagree on whether they mean 1000 or 1024.
 */
final class ByteSizeParser {

    private static final Pattern NUMBER_AND_UNIT = Pattern.compile("(-?)([0-9]+)\\s*([a-zA-Z]*)");
    private static final String UNITS = "B, KiB, MiB";

    private ByteSizeParser() {}

    /**
     * The number of bytes written in {@code text}.
     *
     * @throws IllegalArgumentException with a message for the user if the text is not a size
     */
    static long parse(String text) {
        Matcher matcher = NUMBER_AND_UNIT.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("invalid size '" + text + "'; expected a whole number and a unit ("
                    + UNITS + "), such as 64KiB or 1MiB");
        }
        if (!matcher.group(1).isEmpty()) {
            throw new IllegalArgumentException("invalid size '" + text + "'; a size cannot be negative");
        }
        String unit = matcher.group(3);
        long unitBytes =
                switch (unit) {
                    case "B" -> 1L;
                    case "KiB" -> 1024L;
                    case "MiB" -> 1024L * 1024;
                    case "" -> throw new IllegalArgumentException("invalid size '" + text + "'; add a unit (" + UNITS
                            + "), such as " + matcher.group(2) + "KiB");
                    default -> throw new IllegalArgumentException(
                            "invalid size '" + text + "'; unknown unit '" + unit + "', expected one of: " + UNITS);
                };
        BigInteger bytes = new BigInteger(matcher.group(2)).multiply(BigInteger.valueOf(unitBytes));
        if (bytes.bitLength() > 62) {
            throw new IllegalArgumentException("invalid size '" + text + "'; too large");
        }
        return bytes.longValue();
    }
}
