package io.meshgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetsTest {

    @Test
    void measuresEachMeshgateVariantAgainstTheBarePath() {
        assertThat(spec("meshgate").bare()).isNull();
        assertThat(spec("meshgate-tls").bare()).isEqualTo("meshgate");
        assertThat(spec("meshgate-split").bare()).isEqualTo("meshgate");
        assertThat(TargetSpec.meshgate("meshgate-split-tls", true, "split.yaml").bare())
                .isEqualTo("meshgate-tls");
    }

    @Test
    void comparesEachTargetWithNginxOverTheSameProtocol() {
        assertThat(spec("scg").reference()).isEqualTo("nginx");
        assertThat(spec("scg-tls").reference()).isEqualTo("nginx-tls");
    }

    @Test
    void keepsTheOrderGivenAndExpandsAll() {
        assertThat(Targets.named(List.of("scg", "nginx"), false))
                .extracting(TargetSpec::name)
                .containsExactly("scg", "nginx");
        assertThat(Targets.named(List.of("all"), true)).hasSameSizeAs(Targets.ALL);
    }

    @Test
    void allHasTheBaselineOnlyWithABaselineJar() {
        assertThat(Targets.named(List.of("all"), false))
                .extracting(TargetSpec::name)
                .doesNotContain(Targets.BASELINE)
                .hasSize(Targets.ALL.size() - 1);
        assertThat(spec(Targets.BASELINE).bare()).isEqualTo(Targets.MESHGATE);
        assertThat(spec(Targets.BASELINE).kind().jvm()).isTrue();
    }

    @Test
    void aJvmVariantKeepsItsTargetAndAddsItsOptions() {
        TargetSpec small = spec(Targets.MESHGATE).withJvmArgs("-Xmx128m");
        assertThat(small.jvmArgs()).containsExactly("-Xmx128m");
        assertThat(small.name()).isEqualTo(Targets.MESHGATE);
    }

    @Test
    void namesTheKnownTargetsWhenOneIsUnknown() {
        assertThatThrownBy(() -> Targets.named(List.of("envoy"), false))
                .hasMessageContaining("unknown target 'envoy'")
                .hasMessageContaining("meshgate-split");
    }

    @Test
    void everyMeshgateRouteFileRendersWithTheUpstreamPorts() {
        for (TargetSpec spec : Targets.ALL) {
            if (spec.kind() == TargetSpec.Kind.MESHGATE || spec.kind() == TargetSpec.Kind.MESHGATE_BASELINE) {
                String routes = Templates.render(
                        "routes/" + spec.routeFile(), java.util.Map.of("upstreamA", 1001, "upstreamB", 1002));
                assertThat(routes).contains("127.0.0.1:1001").doesNotContain("${");
            }
        }
    }

    @Test
    void readsMeshgatesShippedJvmOptionsWithoutComments() {
        List<String> options = JvmOptionsFile.read(java.nio.file.Path.of("../k8s/jvm.options"));

        assertThat(options).contains("-XX:+UseParallelGC").allMatch(option -> option.startsWith("-XX:"));
    }

    private static TargetSpec spec(String name) {
        return Targets.named(List.of(name), false).get(0);
    }
}
