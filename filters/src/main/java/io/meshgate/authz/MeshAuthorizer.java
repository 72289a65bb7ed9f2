package io.meshgate.authz;

import io.meshgate.config.MeshAuthorization;
import java.util.Set;

/**
 * Decides whether a verified client identity may call one route on the mesh listener. Built once
 * per route and configuration from its {@link MeshAuthorization} (null: no one may), so a check is
 * a hash-set lookup and, for namespaces, a comparison of a region of the identity: nothing is
 * allocated on the allowed path. A denial is counted in {@link DeniedRequests} and explained.
 */
public final class MeshAuthorizer {

    private static final String SPIFFE = "spiffe://";
    private static final String NS = "/ns/";
    private static final String SA = "/sa/";

    private final String route;
    private final boolean hasPolicy;
    private final boolean anyIdentity;
    private final Set<String> identities;
    private final String[] namespaces;
    private final DeniedRequests denied;

    public MeshAuthorizer(String route, MeshAuthorization authorization, DeniedRequests denied) {
        this.route = route;
        this.hasPolicy = authorization != null;
        this.anyIdentity = hasPolicy && authorization.anyIdentity();
        this.identities = hasPolicy ? Set.copyOf(authorization.identities()) : Set.of();
        this.namespaces = hasPolicy ? authorization.namespaces().toArray(String[]::new) : new String[0];
        this.denied = denied;
    }

    /** Whether the identity (null or empty: none) may call the route. */
    public boolean allows(String identity) {
        if (identity == null || identity.isEmpty()) {
            return false;
        }
        return anyIdentity || identities.contains(identity) || (namespaces.length > 0 && inAllowedNamespace(identity));
    }

    /** Counts a denied request of the identity and says why it was denied, as the body of the 403. */
    public String deny(String identity) {
        String who = identity == null || identity.isEmpty() ? "(none)" : identity;
        denied.increment(route, who);
        if (!hasPolicy) {
            return "identity " + who + " is not allowed on route " + route
                    + ": the route has no authorization, so the mesh listener denies every identity\n";
        }
        return "identity " + who + " is not allowed on route " + route + "\n";
    }

    /** Whether the identity is {@code spiffe://<trust-domain>/ns/<namespace>/sa/<account>} of an allowed namespace. */
    private boolean inAllowedNamespace(String identity) {
        if (!identity.startsWith(SPIFFE)) {
            return false;
        }
        int path = identity.indexOf('/', SPIFFE.length());
        if (path < 0 || !identity.startsWith(NS, path)) {
            return false;
        }
        int start = path + NS.length();
        int end = identity.indexOf('/', start);
        if (end <= start || !identity.startsWith(SA, end)) {
            return false;
        }
        int account = end + SA.length();
        if (account >= identity.length() || identity.indexOf('/', account) >= 0) {
            return false;
        }
        int length = end - start;
        for (String namespace : namespaces) {
            if (namespace.length() == length && identity.regionMatches(start, namespace, 0, length)) {
                return true;
            }
        }
        return false;
    }

    public String route() {
        return route;
    }
}
