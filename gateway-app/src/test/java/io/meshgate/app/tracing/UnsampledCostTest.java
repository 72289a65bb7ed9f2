package io.meshgate.app.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import brave.Span;
import brave.Tracing;
import brave.propagation.TraceContextOrSamplingFlags;
import brave.sampler.Sampler;
import io.meshgate.balance.Endpoint;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * What tracing costs an unsampled request on the direct path (read the caller's headers, decide,
 * propagate), measured in allocation per request, which unlike time does not depend on a busy
 * machine. The time is printed for the record.
 */
class UnsampledCostTest {

    private static final int WARM_UP = 200_000;
    private static final int MEASURED = 1_000_000;

    @Test
    void unsampledRequestAllocatesOnlyATraceContextAndItsHeader() {
        try (Tracing tracing = Tracing.newBuilder()
                .traceId128Bit(true)
                .propagationFactory(new W3CPropagation())
                .sampler(Sampler.NEVER_SAMPLE)
                .build()) {
            ProxyTracing proxy = new ProxyTracing(tracing);
            Endpoint endpoint = Endpoint.of("127.0.0.1", 8080, 1);
            InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40000);
            HttpHeaders incoming = new DefaultHttpHeaders().add("accept", "*/*");
            HttpHeaders outgoing = new DefaultHttpHeaders();
            long sink = 0;
            for (int i = 0; i < WARM_UP; i++) {
                sink += request(proxy, incoming, outgoing, client, endpoint);
            }
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long bytesBefore = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            for (int i = 0; i < MEASURED; i++) {
                sink += request(proxy, incoming, outgoing, client, endpoint);
            }
            long nanos = System.nanoTime() - start;
            long bytes = threads.getCurrentThreadAllocatedBytes() - bytesBefore;
            double bytesPerRequest = (double) bytes / MEASURED;
            System.out.printf(
                    "unsampled request, tracing only: %.0f ns, %.0f bytes allocated (sink %d)%n",
                    (double) nanos / MEASURED, bytesPerRequest, sink);
            // A trace context, a no-op span and the traceparent header's text: a few hundred bytes.
            assertThat(bytesPerRequest).isLessThan(400);
        }
    }

    private static long request(
            ProxyTracing proxy,
            HttpHeaders incoming,
            HttpHeaders outgoing,
            InetSocketAddress client,
            Endpoint endpoint) {
        TraceContextOrSamplingFlags extracted = proxy.extract(incoming);
        Span server = proxy.startServer(extracted, "GET", client);
        Span attempt = proxy.startClient(server, "GET", "route", "upstream", endpoint, 1, null);
        proxy.inject(attempt == null ? server.context() : attempt.context(), outgoing, false);
        proxy.finishServer(server, "GET", "route", 200, null);
        return server.context().traceId();
    }
}
