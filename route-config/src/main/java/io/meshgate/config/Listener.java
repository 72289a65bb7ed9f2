package io.meshgate.config;

/**
 * A listener a route can be reached on: the public traffic port, or the mesh listener (mTLS,
 * service-to-service). A route lists its own ({@code listeners: [public, mesh]}).
 */
public enum Listener {
    PUBLIC("public"),
    MESH("mesh");

    private final String key;

    Listener(String key) {
        this.key = key;
    }

    /** The name route files use. */
    public String key() {
        return key;
    }

    /** The listener a route file names, or null for an unknown name. */
    static Listener of(String key) {
        for (Listener listener : values()) {
            if (listener.key.equals(key)) {
                return listener;
            }
        }
        return null;
    }
}
