package io.meshgate.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meshgate.config.MeshAuthorization;
import io.meshgate.config.SourceLocation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeshAuthorizerTest {

    private static final String FRONTEND = "spiffe://cluster.local/ns/shop/sa/frontend";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DeniedRequests denied = new DeniedRequests(registry, 2);

    private MeshAuthorizer authorizer(Set<String> identities, Set<String> namespaces, boolean any) {
        return new MeshAuthorizer(
                "orders-api",
                new MeshAuthorization(identities, namespaces, any, SourceLocation.unknown("test.yaml")),
                denied);
    }

    @Test
    void allowsListedIdentitiesOnly() {
        MeshAuthorizer authorizer = authorizer(Set.of(FRONTEND, "batch.jobs.example"), Set.of(), false);

        assertThat(authorizer.allows(FRONTEND)).isTrue();
        assertThat(authorizer.allows("batch.jobs.example")).isTrue();
        assertThat(authorizer.allows("spiffe://cluster.local/ns/shop/sa/backend"))
                .isFalse();
        assertThat(authorizer.allows(FRONTEND + "/x")).isFalse();
        assertThat(authorizer.allows(null)).isFalse();
        assertThat(authorizer.allows("")).isFalse();
    }

    @Test
    void allowsServiceAccountsOfListedNamespacesInAnyTrustDomain() {
        MeshAuthorizer authorizer = authorizer(Set.of(), Set.of("shop", "billing"), false);

        assertThat(authorizer.allows(FRONTEND)).isTrue();
        assertThat(authorizer.allows("spiffe://example.org/ns/billing/sa/payer"))
                .isTrue();
        assertThat(authorizer.allows("spiffe://cluster.local/ns/shopping/sa/frontend"))
                .isFalse();
        assertThat(authorizer.allows("spiffe://cluster.local/ns/sho/sa/frontend"))
                .isFalse();
        assertThat(authorizer.allows("spiffe://cluster.local/ns/shop/sa/")).isFalse();
        assertThat(authorizer.allows("spiffe://cluster.local/ns/shop/sa/a/b")).isFalse();
        assertThat(authorizer.allows("spiffe://cluster.local/ns/shop/x/frontend"))
                .isFalse();
        assertThat(authorizer.allows("spiffe://cluster.local/x/ns/shop/sa/frontend"))
                .isFalse();
        assertThat(authorizer.allows("shop")).isFalse();
    }

    @Test
    void wildcardAllowsEveryVerifiedIdentityButNotNone() {
        MeshAuthorizer authorizer = authorizer(Set.of(), Set.of(), true);

        assertThat(authorizer.allows(FRONTEND)).isTrue();
        assertThat(authorizer.allows("anything.example")).isTrue();
        assertThat(authorizer.allows("")).isFalse();
    }

    @Test
    void anAllowedCheckAllocatesNothing() {
        assumeTrue(
                ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "this JVM does not count allocated bytes per thread");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        MeshAuthorizer authorizer =
                authorizer(Set.of("spiffe://cluster.local/ns/a/sa/b"), Set.of("billing", "shop"), false);
        String byNamespace = "spiffe://cluster.local/ns/shop/sa/backend";
        int allowed = 0;
        for (int i = 0; i < 10_000; i++) { // warm up: class loading and compilation allocate
            allowed += (authorizer.allows(FRONTEND) ? 1 : 0) + (authorizer.allows(byNamespace) ? 1 : 0);
        }

        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            allowed += (authorizer.allows(FRONTEND) ? 1 : 0) + (authorizer.allows(byNamespace) ? 1 : 0);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allowed).isEqualTo(220_000);
        // One object per check would be at least 16 bytes, 3.2 MB in all; the bound leaves room for the
        // kilobyte or two that compilation or a safepoint can charge to this thread (seen in CI: 1,560).
        assertThat((double) allocated / 200_000)
                .as("bytes allocated per allowed check (%,d in all)", allocated)
                .isLessThan(0.5);
    }

    @Test
    void withoutAPolicyDeniesEveryoneAndSaysWhy() {
        MeshAuthorizer authorizer = new MeshAuthorizer("orders-api", null, denied);

        assertThat(authorizer.allows(FRONTEND)).isFalse();
        assertThat(authorizer.deny(FRONTEND))
                .isEqualTo("identity " + FRONTEND + " is not allowed on route orders-api: the route has no"
                        + " authorization, so the mesh listener denies every identity\n");
    }

    @Test
    void countsDenialsByRouteAndIdentityWithBoundedIdentities() {
        MeshAuthorizer authorizer = authorizer(Set.of(FRONTEND), Set.of(), false);

        assertThat(authorizer.deny("spiffe://cluster.local/ns/a/sa/one"))
                .isEqualTo("identity spiffe://cluster.local/ns/a/sa/one is not allowed on route orders-api\n");
        authorizer.deny("spiffe://cluster.local/ns/a/sa/one");
        authorizer.deny("spiffe://cluster.local/ns/a/sa/two");
        authorizer.deny("spiffe://cluster.local/ns/a/sa/three");
        authorizer.deny("spiffe://cluster.local/ns/a/sa/four");

        assertThat(count("spiffe://cluster.local/ns/a/sa/one")).isEqualTo(2);
        assertThat(count("spiffe://cluster.local/ns/a/sa/two")).isEqualTo(1);
        assertThat(count(DeniedRequests.OTHER)).isEqualTo(2);
    }

    private double count(String identity) {
        return registry.get("meshgate.authz.denied")
                .tags("route", "orders-api", "identity", identity)
                .counter()
                .count();
    }
}
