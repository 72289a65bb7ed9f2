package io.meshgate.app.accesslog;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The access log ({@code meshgate.access-log.enabled}, on by default): attaches to the logger
 * {@code meshgate.access} a {@link DroppingAsyncAppender} writing {@link AccessLogFormatter}'s JSON
 * through Spring Boot's structured-logging encoder to standard output or a file. Built here rather
 * than in a Logback file so it follows the Spring properties and needs no logging configuration.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "meshgate.access-log.enabled", matchIfMissing = true)
public class AccessLogConfiguration {

    @Bean(destroyMethod = "close")
    AccessLogAppender accessLogAppender(AccessLogProperties properties, MeterRegistry registry) {
        AccessLogAppender appender = AccessLogAppender.attach(properties);
        FunctionCounter.builder("meshgate.access.log.dropped", appender.async(), DroppingAsyncAppender::dropped)
                .description("Access log lines dropped because the writer could not keep up")
                .register(registry);
        return appender;
    }

    @Bean
    AccessLog accessLog(AccessLogAppender appender) {
        return new AccessLog();
    }

    /** The appenders attached to {@code meshgate.access}; closing detaches and flushes them. */
    static final class AccessLogAppender implements AutoCloseable {

        private final Logger logger;
        private final DroppingAsyncAppender async;

        private AccessLogAppender(Logger logger, DroppingAsyncAppender async) {
            this.logger = logger;
            this.async = async;
        }

        static AccessLogAppender attach(AccessLogProperties properties) {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            StructuredLogEncoder encoder = new StructuredLogEncoder();
            encoder.setContext(context);
            encoder.setFormat(AccessLogFormatter.class.getName());
            encoder.start();
            OutputStreamAppender<ILoggingEvent> output;
            if (properties.file() == null) {
                output = new ConsoleAppender<>();
            } else {
                FileAppender<ILoggingEvent> file = new FileAppender<>();
                file.setFile(properties.file().toString());
                file.setAppend(true);
                output = file;
            }
            output.setContext(context);
            output.setName("meshgate-access-output");
            output.setEncoder(encoder);
            output.start();
            DroppingAsyncAppender async = new DroppingAsyncAppender();
            async.setContext(context);
            async.setName("meshgate-access");
            async.setQueueSize(properties.queueSize());
            async.addAppender(output);
            async.start();
            Logger logger = context.getLogger(AccessLog.LOGGER);
            if (logger.getLevel() == null) {
                logger.setLevel(Level.INFO);
            }
            logger.setAdditive(false);
            logger.addAppender(async);
            return new AccessLogAppender(logger, async);
        }

        DroppingAsyncAppender async() {
            return async;
        }

        @Override
        public void close() {
            logger.detachAppender(async);
            // Stopping drains the queue (up to the appender's flush time) and closes the output.
            async.stop();
        }
    }
}
