package io.meshgate.config;

import java.util.List;

/**
 * A configuration was rejected. Carries every error found, not just the first, so a user can fix a
 * file in one pass.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(render(errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public ConfigException(ConfigError error) {
        this(List.of(error));
    }

    public List<ConfigError> errors() {
        return errors;
    }

    private static String render(List<ConfigError> errors) {
        StringBuilder text = new StringBuilder();
        text.append(errors.size() == 1 ? "1 error" : errors.size() + " errors").append(" in route configuration");
        for (ConfigError error : errors) {
            text.append(System.lineSeparator()).append("  ").append(error);
        }
        return text.toString();
    }
}
