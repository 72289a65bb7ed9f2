package io.meshgate.app.proxy.h1;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The graceful shutdown's wait for the pass-through's requests in flight. Spring Boot's graceful
 * shutdown waits for the requests Reactor Netty has in hand and closes every other connection; the
 * pass-through's connections with a request under way put that close off until their response ends
 * ({@link H1Connection#close}). This lifecycle, stopped after the graceful shutdown and before the
 * server stops, waits until none is left, at most the shutdown phase's timeout.
 */
final class H1Drain implements SmartLifecycle {

    /** Between Spring Boot's graceful shutdown (DEFAULT_PHASE - 1024) and its server stop (- 2048). */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

    private static final Logger log = LoggerFactory.getLogger(H1Drain.class);
    private static final long POLL_MILLIS = 20;

    private final H1PassThrough passThrough;
    private final Duration timeout;
    private volatile boolean running;

    H1Drain(H1PassThrough passThrough, Duration timeout) {
        this.passThrough = passThrough;
        this.timeout = timeout;
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
        int busy = passThrough.busyConnections();
        if (busy == 0) {
            callback.run();
            return;
        }
        log.info("Waiting for {} pass-through request(s) in flight", busy);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "meshgate-h1-drain");
            thread.setDaemon(true);
            return thread;
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        timer.scheduleWithFixedDelay(
                () -> {
                    int left = passThrough.busyConnections();
                    if (left == 0 || System.nanoTime() - deadline >= 0) {
                        if (left > 0) {
                            log.warn("{} pass-through request(s) still in flight at the shutdown timeout", left);
                        }
                        timer.shutdown();
                        callback.run();
                    }
                },
                POLL_MILLIS,
                POLL_MILLIS,
                TimeUnit.MILLISECONDS);
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
