package io.meshgate.app.lifecycle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * The first step of stopping: readiness turns REFUSING_TRAFFIC (the management port's {@code
 * /actuator/health/readiness} answers 503) while the traffic port keeps accepting and serving for
 * the drain delay; only then does Spring's graceful shutdown close the listener and wait for the
 * requests in flight.
 *
 * <p>Why: when a pod is deleted, Kubernetes sends SIGTERM and removes the pod from the Service's
 * endpoints at the same time, and kube-proxy, ingress controllers and cloud load balancers learn of
 * the removal seconds later. A gateway that closed its listener at once would refuse the
 * connections they still send. Spring Boot publishes REFUSING_TRAFFIC when the context starts
 * closing; this lifecycle, stopped in the phase before the web server's, holds the server open.
 * The wait runs on a timer, not on the closing thread, and is bounded by Spring's per-phase
 * timeout, which is why the delay must be shorter than it.
 */
public final class DrainOnShutdown implements SmartLifecycle {

    /**
     * Stopped before the web server's graceful shutdown, which Spring Boot runs in phase {@code
     * SmartLifecycle.DEFAULT_PHASE - 1024} (higher phases stop first), and after nothing else of ours.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    private static final Logger log = LoggerFactory.getLogger(DrainOnShutdown.class);

    private final Duration delay;
    private final ApplicationContext context;
    private final ApplicationAvailability availability;
    private volatile boolean running;

    /**
     * @param delay how long to keep accepting after readiness turned false
     * @param phaseTimeout Spring's {@code spring.lifecycle.timeout-per-shutdown-phase}
     * @throws IllegalArgumentException if the delay is negative or not shorter than the phase timeout
     *     (Spring would cut the drain short)
     */
    public DrainOnShutdown(
            Duration delay, Duration phaseTimeout, ApplicationContext context, ApplicationAvailability availability) {
        if (delay.isNegative() || delay.compareTo(phaseTimeout) >= 0) {
            throw new IllegalArgumentException("meshgate.shutdown.drain-delay (" + delay
                    + ") must be 0 or more and shorter than spring.lifecycle.timeout-per-shutdown-phase ("
                    + phaseTimeout + ")");
        }
        this.delay = delay;
        this.context = context;
        this.availability = availability;
    }

    public Duration delay() {
        return delay;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public void stop(Runnable callback) {
        running = false;
        if (availability.getReadinessState() != ReadinessState.REFUSING_TRAFFIC) {
            AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        }
        if (delay.isZero()) {
            callback.run();
            return;
        }
        log.info(
                "Shutting down: readiness is REFUSING_TRAFFIC; accepting connections for {} ms more, then"
                        + " draining requests in flight",
                delay.toMillis());
        CompletableFuture.runAsync(callback, CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
