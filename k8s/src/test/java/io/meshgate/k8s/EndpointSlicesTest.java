package io.meshgate.k8s;

import static io.meshgate.k8s.Slices.endpoint;
import static io.meshgate.k8s.Slices.notReady;
import static io.meshgate.k8s.Slices.port;
import static io.meshgate.k8s.Slices.ready;
import static io.meshgate.k8s.Slices.slice;
import static io.meshgate.k8s.Slices.terminating;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.meshgate.balance.Endpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointSlicesTest {

    private static List<String> readyAddresses(List<EndpointSlice> slices, PortSelector port) {
        return EndpointSlices.merge(slices, port).ready().stream()
                .map(Endpoint::address)
                .toList();
    }

    @Test
    void onlyReadyEndpointsThatAreNotTerminatingTakeNewRequests() {
        EndpointSlice slice = slice(
                "shop",
                "orders",
                "orders-a",
                port("http", 8080),
                ready("10.0.0.1"),
                notReady("10.0.0.2"),
                terminating("10.0.0.3"),
                // A terminating endpoint is never ready in the API, but a stale writer must not matter.
                endpoint("10.0.0.4", true, true, true));

        ServiceEndpoints merged = EndpointSlices.merge(List.of(slice), PortSelector.byName("http"));

        assertThat(merged.ready()).extracting(Endpoint::address).containsExactly("10.0.0.1:8080");
        assertThat(merged.all()).hasSize(4);
    }

    @Test
    void absentConditionsFollowTheApiDefaults() {
        EndpointSlice slice = slice(
                "shop",
                "orders",
                "orders-a",
                port("http", 8080),
                endpoint("10.0.0.1", null, null, null),
                new EndpointBuilder().withAddresses("10.0.0.2").build());

        ServiceEndpoints merged = EndpointSlices.merge(List.of(slice), PortSelector.byName("http"));

        assertThat(merged.ready()).extracting(Endpoint::address).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
        assertThat(merged.all()).allSatisfy(endpoint -> {
            assertThat(endpoint.serving()).isTrue();
            assertThat(endpoint.terminating()).isFalse();
        });
    }

    @Test
    void aSliceWeightAnnotationWeighsItsEndpointsAndABadOneCountsAsOne() {
        EndpointSlice canary = slice("shop", "orders", "orders-canary", port("http", 8080), ready("10.0.0.9"));
        canary.getMetadata().setAnnotations(java.util.Map.of(KubernetesEndpoint.WEIGHT_ANNOTATION, "3"));
        EndpointSlice plain = slice("shop", "orders", "orders-a", port("http", 8080), ready("10.0.0.1"));
        EndpointSlice bad = slice("shop", "orders", "orders-b", port("http", 8080), ready("10.0.0.2"));
        bad.getMetadata().setAnnotations(java.util.Map.of(KubernetesEndpoint.WEIGHT_ANNOTATION, "heavy"));

        assertThat(EndpointSlices.merge(List.of(canary, plain, bad), PortSelector.byName("http")).all().stream()
                        .map(e -> e.address() + "=" + e.toEndpoint().weight()))
                .containsExactly("10.0.0.1=1", "10.0.0.2=1", "10.0.0.9=3");
    }

    @Test
    void namedPortResolvesPerSlice() {
        // Mid-rollout: the new pods listen on 9090 under the same port name.
        EndpointSlice old = slice("shop", "orders", "orders-a", port("http", 8080), ready("10.0.0.1"));
        EndpointSlice next = slice("shop", "orders", "orders-b", port("http", 9090), ready("10.0.0.2"));

        assertThat(readyAddresses(List.of(old, next), PortSelector.byName("http")))
                .containsExactly("10.0.0.1:8080", "10.0.0.2:9090");
    }

    @Test
    void servicePortNumberFindsTheEndpointsBehindIt() {
        EndpointSlice slice = slice(
                "shop",
                "orders",
                "orders-a",
                "IPv4",
                List.of(port("http", 8080), port("metrics", 9100)),
                ready("10.0.0.1"));

        PortSelector servicePort80 = PortSelector.resolve("80", Slices.service("shop", "orders", "http", 80, 8080));
        assertThat(servicePort80).isEqualTo(PortSelector.byName("http"));
        assertThat(readyAddresses(List.of(slice), servicePort80)).containsExactly("10.0.0.1:8080");
        // Without a Service port of that number, the number is the endpoints' own port.
        assertThat(readyAddresses(List.of(slice), PortSelector.resolve("9100", null)))
                .containsExactly("10.0.0.1:9100");
        assertThat(readyAddresses(List.of(slice), PortSelector.resolve("7000", null)))
                .isEmpty();
        assertThat(readyAddresses(List.of(slice), PortSelector.resolve("metrics", null)))
                .containsExactly("10.0.0.1:9100");
    }

    @Test
    void singleUnnamedServicePortMatchesTheUnnamedSlicePort() {
        EndpointSlice slice = slice("shop", "orders", "orders-a", port("", 8080), ready("10.0.0.1"));

        PortSelector selector = PortSelector.resolve("80", Slices.service("shop", "orders", null, 80, 8080));

        assertThat(readyAddresses(List.of(slice), selector)).containsExactly("10.0.0.1:8080");
    }

    @Test
    void ipv4AndIpv6SlicesAreUsedFqdnAndUdpAreNot() {
        EndpointSlice v4 = slice("shop", "orders", "orders-v4", port("http", 8080), ready("10.0.0.1"));
        EndpointSlice v6 = slice("shop", "orders", "orders-v6", "IPv6", List.of(port("http", 8080)), ready("fd00::1"));
        EndpointSlice fqdn =
                slice("shop", "orders", "orders-fqdn", "FQDN", List.of(port("http", 8080)), ready("orders.example"));
        EndpointSlice udp = slice(
                "shop",
                "orders",
                "orders-udp",
                "IPv4",
                List.of(new EndpointPortBuilder()
                        .withName("http")
                        .withPort(8080)
                        .withProtocol("UDP")
                        .build()),
                ready("10.0.0.9"));

        ServiceEndpoints merged = EndpointSlices.merge(List.of(v4, v6, fqdn, udp), PortSelector.byName("http"));

        assertThat(merged.ready()).extracting(Endpoint::address).containsExactly("10.0.0.1:8080", "[fd00::1]:8080");
        assertThat(merged.ready().get(1).host()).isEqualTo("fd00::1");
        assertThat(merged.ready().get(1).baseUrl()).isEqualTo("http://[fd00::1]:8080");
    }

    @Test
    void anAddressInTwoSlicesIsKeptOnceAndOnlyReadyIfBothSaySo() {
        EndpointSlice stale = slice("shop", "orders", "orders-a", port("http", 8080), ready("10.0.0.1"));
        EndpointSlice fresh =
                slice("shop", "orders", "orders-b", port("http", 8080), terminating("10.0.0.1"), ready("10.0.0.2"));

        ServiceEndpoints merged = EndpointSlices.merge(List.of(stale, fresh), PortSelector.byName("http"));

        assertThat(merged.all()).extracting(KubernetesEndpoint::address).containsExactly("10.0.0.1", "10.0.0.2");
        assertThat(merged.ready()).extracting(Endpoint::address).containsExactly("10.0.0.2:8080");
    }

    @Test
    void zoneNodeAndHintsAreKeptOnTheEndpoint() {
        EndpointSlice slice = slice(
                "shop",
                "orders",
                "orders-a",
                port("http", 8080),
                new EndpointBuilder()
                        .withAddresses("10.0.0.1")
                        .withZone("eu-west-1a")
                        .withNodeName("node-1")
                        .withNewHints()
                        .addNewForZone("eu-west-1a")
                        .endHints()
                        .build());

        KubernetesEndpoint endpoint = EndpointSlices.merge(List.of(slice), PortSelector.byName("http"))
                .all()
                .get(0);

        assertThat(endpoint.zone()).isEqualTo("eu-west-1a");
        assertThat(endpoint.nodeName()).isEqualTo("node-1");
        assertThat(endpoint.hintZones()).containsExactly("eu-west-1a");
    }

    @Test
    void countsEachAddressOnceByCondition() {
        EndpointSlice a =
                slice("shop", "orders", "orders-a", port("http", 8080), ready("10.0.0.1"), terminating("10.0.0.2"));
        EndpointSlice b = slice(
                "shop",
                "orders",
                "orders-b",
                "IPv4",
                List.of(port("admin", 9000)),
                ready("10.0.0.1"),
                notReady("10.0.0.3"));

        assertThat(EndpointSlices.count(List.of(a, b))).isEqualTo(new EndpointSlices.Counts(1, 2, 1, 3));
    }

    @Test
    void aSliceWithoutTheRoutesPortContributesNothing() {
        EndpointSlice slice = slice("shop", "orders", "orders-a", port("grpc", 9090), ready("10.0.0.1"));

        assertThat(readyAddresses(List.of(slice), PortSelector.byName("http"))).isEmpty();
    }
}
