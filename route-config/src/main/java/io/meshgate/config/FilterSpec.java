package io.meshgate.config;

/**
 * A Spring Cloud Gateway filter in its shortcut syntax ({@code StripPrefix=1}), kept as text here
 * and resolved against the gateway's filter factories when the configuration is compiled.
 */
public record FilterSpec(String text, SourceLocation location) {}
