package io.meshgate.bench;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Every target the harness knows, in the order they are run and shown. A new meshgate feature variant
 * is one line in {@link #ALL}: a name, TLS or not, a route file under
 * {@code src/main/resources/io/meshgate/bench/routes/} and any extra {@code --property=value}
 * arguments.
 */
final class Targets {

    static final String NGINX = "nginx";
    static final String NGINX_TLS = "nginx-tls";
    static final String MESHGATE = "meshgate";
    static final String MESHGATE_TLS = "meshgate-tls";
    static final String BASELINE = "meshgate-baseline";

    static final List<TargetSpec> ALL = List.of(
            TargetSpec.direct("direct", false),
            TargetSpec.direct("direct-tls", true),
            TargetSpec.nginx(NGINX, false),
            TargetSpec.nginx(NGINX_TLS, true),
            TargetSpec.stockScg("scg", false),
            TargetSpec.stockScg("scg-tls", true),
            TargetSpec.nettyFloor("netty"),
            TargetSpec.reactorFloor("reactor"),
            // meshgate variants: name, TLS, route file, extra command-line properties.
            TargetSpec.meshgate(MESHGATE, false, "single.yaml"),
            TargetSpec.meshgate(MESHGATE_TLS, true, "single.yaml"),
            TargetSpec.meshgate("meshgate-split", false, "split.yaml"),
            TargetSpec.meshgate(
                    "meshgate-no-pass-through", false, "single.yaml", "--meshgate.pass-through.enabled=false"),
            TargetSpec.meshgate(
                    "meshgate-trace-all", false, "single.yaml", "--management.tracing.sampling.probability=1.0"),
            TargetSpec.meshgate("meshgate-no-access-log", false, "single.yaml", "--meshgate.access-log.enabled=false"),
            TargetSpec.meshgate(
                    "meshgate-unobserved",
                    false,
                    "single.yaml",
                    "--meshgate.access-log.enabled=false",
                    "--meshgate.tracing.enabled=false"),
            // a previous build, only with --baseline-jar: the change under test against it
            TargetSpec.baseline(BASELINE));

    private Targets() {}

    /**
     * The targets with these names, in the order given; an unknown name is an error. {@code all} is
     * every target, the baseline only when there is a baseline jar.
     */
    static List<TargetSpec> named(List<String> names, boolean baselineJar) {
        List<TargetSpec> selected = new ArrayList<>();
        for (String name : names) {
            if (name.equals("all")) {
                ALL.stream()
                        .filter(t -> !selected.contains(t))
                        .filter(t -> baselineJar || t.kind() != TargetSpec.Kind.MESHGATE_BASELINE)
                        .forEach(selected::add);
                continue;
            }
            TargetSpec spec = ALL.stream()
                    .filter(t -> t.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "unknown target '" + name + "'; known: all, " + String.join(", ", new Names())));
            if (!selected.contains(spec)) {
                selected.add(spec);
            }
        }
        return List.copyOf(selected);
    }

    /** The known target names, for {@code --help} and error messages. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ALL.stream().map(TargetSpec::name).iterator();
        }
    }
}
