package io.meshgate.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Which CPUs each side runs on: the proxy under test on its own CPU, wrk and the upstream on the
 * other, so that a proxy cannot borrow the client's CPU and the comparison is per core. Commands are
 * prefixed with {@code taskset -c LIST} (child processes and threads inherit the affinity).
 *
 * @param proxy CPU list for the proxy under test, e.g. {@code 0}
 * @param upstream CPU list for the upstream nginx
 * @param client CPU list for wrk
 * @param enabled false where taskset is missing, fewer than two CPUs are usable, or {@code --no-pin}
 */
record CpuPinning(String proxy, String upstream, String client, boolean enabled) {

    List<String> proxy(List<String> command) {
        return pinned(proxy, command);
    }

    List<String> upstream(List<String> command) {
        return pinned(upstream, command);
    }

    List<String> client(List<String> command) {
        return pinned(client, command);
    }

    private List<String> pinned(String cpus, List<String> command) {
        if (!enabled) {
            return command;
        }
        List<String> pinned = new ArrayList<>(List.of("taskset", "-c", cpus));
        pinned.addAll(command);
        return pinned;
    }

    /** How many CPUs a CPU list such as {@code 1} or {@code 2-3,5} names. */
    static int count(String cpus) {
        int n = 0;
        for (String part : cpus.split(",")) {
            String[] range = part.trim().split("-");
            n += range.length == 1 ? 1 : Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        }
        return n;
    }

    String describe() {
        if (!enabled) {
            return "none (taskset missing, fewer than 2 CPUs, or --no-pin): numbers include CPU contention";
        }
        return "proxy on CPU " + proxy + "; upstream nginx on CPU " + upstream + "; wrk on CPU " + client;
    }
}
