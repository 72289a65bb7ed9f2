package io.meshgate.app.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DroppingAsyncAppenderTest {

    @Test
    void dropsAndCountsEventsWhenTheWriterCannotKeepUpInsteadOfBlocking() throws InterruptedException {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger written = new AtomicInteger();
        AppenderBase<ILoggingEvent> stuckOutput = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.incrementAndGet();
            }
        };
        stuckOutput.setContext(context);
        stuckOutput.start();
        DroppingAsyncAppender async = new DroppingAsyncAppender();
        async.setContext(context);
        async.setQueueSize(4);
        async.setMaxFlushTime(10_000);
        async.addAppender(stuckOutput);
        async.start();
        Logger logger = context.getLogger("test");
        logger.addAppender(async);

        // With the output stuck, the caller must come back at once for every event.
        for (int i = 0; i < 100; i++) {
            logger.info("event {}", i);
        }
        long droppedWhileStuck = async.dropped();
        release.countDown();
        async.stop();

        // The worker drains at most a queue's worth (4), the queue holds 4 more, one may be in hand:
        // at least 91 of the 100 are dropped, and every one is counted.
        assertThat(droppedWhileStuck).isBetween(91L, 96L);
        assertThat(written.get() + async.dropped()).isEqualTo(100);
    }
}
