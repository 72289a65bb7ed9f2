package io.meshgate.config;

/** One problem in a route file: where it is and what was wrong or expected. */
public record ConfigError(SourceLocation location, String message) {

    @Override
    public String toString() {
        return location + ": " + message;
    }
}
