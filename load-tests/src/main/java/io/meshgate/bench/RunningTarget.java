package io.meshgate.bench;

/**
 * A target that started and answered: where wrk sends load and how its start went.
 *
 * @param spec what it is
 * @param url the URL wrk and the readiness probe use
 * @param child its process, or null for {@code direct} (nothing between wrk and the upstream)
 * @param firstRequestSeconds process start to first proxied 200, or NaN for {@code direct}
 * @param rssAfterStartKib RSS right after the first request, or -1
 * @param answeredBy what 20 sequential requests saw, e.g. {@code upstream a, upstream b}
 */
record RunningTarget(
        TargetSpec spec,
        String url,
        ChildProcesses.Child child,
        double firstRequestSeconds,
        long rssAfterStartKib,
        String answeredBy) {

    String name() {
        return spec.name();
    }

    ProcessHandle process() {
        return child == null ? null : child.process().toHandle();
    }
}
