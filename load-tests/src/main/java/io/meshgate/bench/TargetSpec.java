package io.meshgate.bench;

import java.util.List;

/**
 * One row of the comparison: what is started, whether clients speak TLS to it, and for meshgate
 * variants the route file and extra command-line properties that make the variant.
 *
 * @param name the name in tables, charts and {@code --targets}
 * @param kind what process serves it
 * @param tls whether wrk speaks TLS to it (the proxies always talk plain HTTP to the upstream)
 * @param routeFile meshgate only: route file template under {@code io/meshgate/bench/routes/}
 * @param extraArgs extra command-line arguments for the process (Spring properties for the gateways)
 * @param bare the target this one's cost is measured against (null for none)
 * @param jvmArgs JVM options after the shared ones ({@code --jvm-opts}), so they win: a JVM variant
 */
record TargetSpec(
        String name,
        Kind kind,
        boolean tls,
        String routeFile,
        List<String> extraArgs,
        String bare,
        List<String> jvmArgs) {

    /** What serves a target. */
    enum Kind {
        /** wrk straight to the upstream: the ceiling of the client side, no proxy process. */
        DIRECT,
        /** nginx as a reverse proxy with upstream keep-alive. */
        NGINX,
        /** stock Spring Cloud Gateway with one static route (load-tests' own stock-scg jar). */
        STOCK_SCG,
        /**
         * a minimal Netty proxy without features (the stock-SCG jar's {@code NettyFloorProxy}): the
         * ceiling of a JVM proxy on Netty here.
         */
        NETTY_FLOOR,
        /**
         * the same pass-through on Reactor Netty's server and client (the stock-SCG jar's {@code
         * ReactorFloorProxy}): Reactor Netty's own per-request cost, without meshgate's features.
         */
        REACTOR_FLOOR,
        /** gateway-app's meshgate.jar with its shipped defaults plus the variant's arguments. */
        MESHGATE,
        /** another build's meshgate jar ({@code --baseline-jar}): the change under test against it. */
        MESHGATE_BASELINE;

        boolean jvm() {
            return this != DIRECT && this != NGINX;
        }
    }

    TargetSpec {
        extraArgs = List.copyOf(extraArgs);
        jvmArgs = List.copyOf(jvmArgs);
    }

    static TargetSpec direct(String name, boolean tls) {
        return new TargetSpec(name, Kind.DIRECT, tls, null, List.of(), null, List.of());
    }

    static TargetSpec nginx(String name, boolean tls) {
        return new TargetSpec(name, Kind.NGINX, tls, null, List.of(), null, List.of());
    }

    static TargetSpec stockScg(String name, boolean tls) {
        return new TargetSpec(name, Kind.STOCK_SCG, tls, null, List.of(), null, List.of());
    }

    static TargetSpec nettyFloor(String name) {
        return new TargetSpec(name, Kind.NETTY_FLOOR, false, null, List.of(), null, List.of());
    }

    static TargetSpec reactorFloor(String name) {
        return new TargetSpec(name, Kind.REACTOR_FLOOR, false, null, List.of(), null, List.of());
    }

    /**
     * A meshgate variant. Its cost is reported against {@code meshgate} (or {@code meshgate-tls} for a
     * TLS variant); {@code meshgate-tls} itself is measured against {@code meshgate}, which is the cost
     * of TLS.
     */
    static TargetSpec meshgate(String name, boolean tls, String routeFile, String... extraArgs) {
        String bare;
        if (name.equals(Targets.MESHGATE)) {
            bare = null;
        } else if (tls && !name.equals(Targets.MESHGATE_TLS)) {
            bare = Targets.MESHGATE_TLS;
        } else {
            bare = Targets.MESHGATE;
        }
        return new TargetSpec(name, Kind.MESHGATE, tls, routeFile, List.of(extraArgs), bare, List.of());
    }

    /**
     * The meshgate jar of {@code --baseline-jar} with the bare route: its ratio to {@code meshgate} in
     * the feature-cost table is what the build under test gained or lost against it, in the same run.
     */
    static TargetSpec baseline(String name) {
        return new TargetSpec(
                name, Kind.MESHGATE_BASELINE, false, "single.yaml", List.of(), Targets.MESHGATE, List.of());
    }

    /** This target with JVM options after the shared ones (e.g. a smaller heap). */
    TargetSpec withJvmArgs(String... args) {
        return new TargetSpec(name, kind, tls, routeFile, extraArgs, bare, List.of(args));
    }

    /** The proxy this target's req/s and p99 are divided by: nginx over the same protocol. */
    String reference() {
        return tls ? Targets.NGINX_TLS : Targets.NGINX;
    }
}
