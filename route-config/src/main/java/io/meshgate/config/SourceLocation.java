package io.meshgate.config;

/**
 * A position in a route file (1-based line and column), carried by every model element so that
 * errors found after parsing (for example while compiling a filter) still point at the source.
 */
public record SourceLocation(String file, int line, int column) {

    /** A location for values that have no source text, such as defaults. */
    public static SourceLocation unknown(String file) {
        return new SourceLocation(file, 0, 0);
    }

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column : file;
    }
}
