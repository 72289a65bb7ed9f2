package io.meshgate.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The harness' text resources (nginx configurations, meshgate route files, the wrk script) with
 * their {@code ${name}} placeholders filled in. A placeholder without a value is an error, so a
 * typo in a template fails the run before any process starts.
 */
final class Templates {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9]*)}");

    private Templates() {}

    /** The resource next to this class, e.g. {@code routes/split.yaml}, as text. */
    static String load(String resource) {
        try (InputStream in = Templates.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource io/meshgate/bench/" + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The resource with every {@code ${name}} replaced by {@code values.get(name)}. */
    static String render(String resource, Map<String, ?> values) {
        Matcher m = PLACEHOLDER.matcher(load(resource));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("template " + resource + " needs a value for ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value.toString()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
