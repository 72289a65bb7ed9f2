package io.meshgate.config;

import java.util.Set;

/**
 * Who may call a route on the mesh listener ({@code authorization: { allow: {...} }}): the verified
 * client identities (SPIFFE IDs or DNS names) and the Kubernetes namespaces whose SPIFFE IDs ({@code
 * spiffe://<trust-domain>/ns/<namespace>/sa/<account>}) are allowed. Anything not allowed is denied.
 *
 * @param identities exact identities allowed
 * @param namespaces namespaces whose service accounts are allowed
 * @param anyIdentity {@code identities: ["*"]}: every verified identity is allowed
 */
public record MeshAuthorization(
        Set<String> identities, Set<String> namespaces, boolean anyIdentity, SourceLocation location) {

    public MeshAuthorization {
        identities = Set.copyOf(identities);
        namespaces = Set.copyOf(namespaces);
    }
}
