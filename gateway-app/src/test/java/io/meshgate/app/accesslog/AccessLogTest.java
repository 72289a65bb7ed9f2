package io.meshgate.app.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AccessLogTest {

    private final LoggerContext context = context();
    private final List<Object> written = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicBoolean stuck = new AtomicBoolean();

    @Test
    void writesEachRecordOnItsOwnThreadAndFlushesAfterTheBatch() {
        release.countDown();
        try (AccessLog log = new AccessLog(logger(), 16, output()).start()) {
            AccessRecord first = record();
            AccessRecord second = record();
            log.write(first);
            log.write(second);
            await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 2);
            assertThat(written).containsExactly(first, second);
            await().atMost(Duration.ofSeconds(5)).until(() -> batches.get() >= 1);
            assertThat(log.dropped()).isZero();
        }
    }

    @Test
    void dropsAndCountsRecordsWhenTheWriterCannotKeepUpInsteadOfBlocking() {
        try (AccessLog log = new AccessLog(logger(), 4, output()).start()) {
            log.write(record());
            // The writer takes the first record and is stuck writing it: four more fit in the queue.
            await().atMost(Duration.ofSeconds(5)).until(() -> stuck.get());
            for (int i = 0; i < 99; i++) {
                log.write(record());
            }
            assertThat(log.dropped()).isEqualTo(95);
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 5);
        }
    }

    @Test
    void switchedOffLoggerQueuesNothing() {
        release.countDown();
        Logger logger = logger();
        logger.setLevel(ch.qos.logback.classic.Level.OFF);
        try (AccessLog log = new AccessLog(logger, 1, output()).start()) {
            for (int i = 0; i < 10; i++) {
                log.write(record());
            }
            assertThat(log.dropped()).isZero();
        }
        assertThat(written).isEmpty();
    }

    private Logger logger() {
        return context.getLogger(AccessLog.LOGGER);
    }

    /** Records what it is given; stuck on the first record until released. */
    private AccessLogOutput output() {
        return new AccessLogOutput(OutputStream.nullOutputStream(), false) {
            @Override
            public void write(AccessRecord record) {
                stuck.set(true);
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.add(record);
            }

            @Override
            public void flush() {
                batches.incrementAndGet();
            }
        };
    }

    private static AccessRecord record() {
        return (AccessRecord) Proxy.newProxyInstance(
                AccessRecord.class.getClassLoader(), new Class<?>[] {AccessRecord.class}, (proxy, method, args) -> {
                    return switch (method.getName()) {
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "record@" + System.identityHashCode(proxy);
                        default -> null;
                    };
                });
    }

    private static LoggerContext context() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        return context;
    }
}
