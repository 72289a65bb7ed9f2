package io.meshgate.jmh;

import io.meshgate.balance.Balancer;
import io.meshgate.balance.Endpoint;
import io.meshgate.balance.Lease;
import io.meshgate.balance.StaticEndpointSet;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.balance.WeightedRoundRobinBalancer;
import io.meshgate.outlier.OutlierPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each balancer's cost per attempt with two threads sharing one upstream (the contention a 2-core
 * gateway sees): {@code pick} is the choice alone ({@link UpstreamPool#pick()}); {@code
 * acquireComplete} is the whole feedback cycle the gateway runs per attempt ({@code acquire()}, then
 * {@code complete(200)}: in-flight count, latency estimate, outlier bookkeeping, the lease
 * allocation). {@code weighted-locked} is nginx's per-pick smooth weighted round-robin under a lock,
 * the alternative to the precomputed table that {@code weighted} uses.
 *
 * <p>Run: {@code java -jar load-tests/jmh/target/benchmarks.jar BalancerBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@Threads(2)
public class BalancerBenchmark {

    @Param({"round-robin", "random", "weighted", "weighted-locked", "least-request", "peak-ewma"})
    public String policy;

    @Param({"8", "64"})
    public int endpoints;

    private UpstreamPool pool;

    @Setup
    public void setUp() {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            list.add(Endpoint.of("10.0." + (i / 250) + "." + (i % 250 + 1), 8080, 1 + i % 5));
        }
        Balancer balancer =
                policy.equals("weighted-locked") ? new WeightedRoundRobinBalancer(0) : Balancer.named(policy);
        pool = UpstreamPool.builder("bench", new StaticEndpointSet(list))
                .balancer(balancer)
                .outlierDetection(OutlierPolicy.DEFAULTS, null)
                .build();
        for (int i = 0; i < 10_000; i++) {
            pool.acquire().complete(200);
        }
    }

    @Benchmark
    public Endpoint pick() {
        return pool.pick();
    }

    @Benchmark
    public Lease acquireComplete() {
        Lease lease = pool.acquire();
        lease.complete(200);
        return lease;
    }
}
