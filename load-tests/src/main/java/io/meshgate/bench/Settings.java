package io.meshgate.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One run's settings after the profile's defaults and the command line are combined; recorded in
 * the results so a number can always be traced to how it was measured.
 *
 * @param profile {@code full}, {@code quick} or {@code smoke}
 * @param label a note for the results heading, e.g. "machine shared with builds"
 * @param command the command line as a person would type it again
 * @param targets what to compare, in order
 * @param connections keep-alive connection counts, each a table
 * @param rounds interleaved rounds per connection count
 * @param duration one measured run
 * @param warmupMax the longest warm-up of a JVM target
 * @param warmupMin the shortest warm-up of a JVM target before it may stop as stable
 * @param warmupSlice warm-up is run in slices of this length until three in a row agree within 5 %
 * @param warmupConnections connections during warm-up
 * @param settle an unmeasured run per target before each connection count's rounds
 * @param resultsFile the Markdown file the results section is appended to
 * @param chartDir where the chart (PNG) and raw runs (CSV) go
 * @param workDir configurations, certificates, logs of the child processes
 * @param meshgateJar gateway-app's executable jar
 * @param baselineJar another meshgate build for target {@code meshgate-baseline}; null when not given
 * @param stockScgJar load-tests' stock Spring Cloud Gateway jar
 * @param java the {@code java} executable for the gateways
 * @param jvmOpts JVM options for every gateway (the same for stock SCG and meshgate)
 * @param shippedLayout run the gateways' jars extracted with a CDS archive, as meshgate's image does
 * @param pinning CPU sets
 * @param wrkThreads wrk's threads
 * @param wrkTimeout wrk's per-request timeout
 * @param startTimeout how long a target may take to answer its first request
 */
record Settings(
        String profile,
        String label,
        String command,
        List<TargetSpec> targets,
        List<Integer> connections,
        int rounds,
        Duration duration,
        Duration warmupMax,
        Duration warmupMin,
        Duration warmupSlice,
        int warmupConnections,
        Duration settle,
        Path resultsFile,
        Path chartDir,
        Path workDir,
        Path meshgateJar,
        Path baselineJar,
        Path stockScgJar,
        String java,
        List<String> jvmOpts,
        boolean shippedLayout,
        CpuPinning pinning,
        int wrkThreads,
        Duration wrkTimeout,
        Duration startTimeout) {

    Settings {
        targets = List.copyOf(targets);
        connections = List.copyOf(connections);
        jvmOpts = List.copyOf(jvmOpts);
    }

    boolean uses(TargetSpec.Kind kind) {
        return targets.stream().anyMatch(t -> t.kind() == kind);
    }
}
