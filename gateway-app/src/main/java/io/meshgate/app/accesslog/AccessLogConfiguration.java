package io.meshgate.app.accesslog;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The access log ({@code meshgate.access-log.enabled}, on by default): an {@link AccessLog} whose
 * writer thread logs to {@code meshgate.access}, to which a {@link BatchingOutputAppender} is
 * attached that writes {@link AccessLogFormatter}'s JSON, through Spring Boot's structured-logging
 * encoder, to standard output or a file. Built here rather than in a Logback file so it follows the
 * Spring properties and needs no logging configuration.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "meshgate.access-log.enabled", matchIfMissing = true)
public class AccessLogConfiguration {

    @Bean(destroyMethod = "close")
    AccessLogOutput accessLogOutput(AccessLogProperties properties) {
        return AccessLogOutput.attach(properties);
    }

    @Bean(destroyMethod = "close")
    AccessLog accessLog(AccessLogProperties properties, AccessLogOutput output, MeterRegistry registry) {
        AccessLog log = new AccessLog(output.logger(), properties.queueSize(), output.appender()::flush).start();
        FunctionCounter.builder("meshgate.access.log.dropped", log, AccessLog::dropped)
                .description("Access log lines dropped because the writer could not keep up")
                .register(registry);
        return log;
    }

    /** The appender attached to {@code meshgate.access}; closing (after the log) detaches and flushes it. */
    static final class AccessLogOutput implements AutoCloseable {

        private final Logger logger;
        private final BatchingOutputAppender appender;

        private AccessLogOutput(Logger logger, BatchingOutputAppender appender) {
            this.logger = logger;
            this.appender = appender;
        }

        static AccessLogOutput attach(AccessLogProperties properties) {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            StructuredLogEncoder encoder = new StructuredLogEncoder();
            encoder.setContext(context);
            encoder.setFormat(AccessLogFormatter.class.getName());
            encoder.start();
            BatchingOutputAppender appender = properties.file() == null
                    ? BatchingOutputAppender.standardOutput()
                    : BatchingOutputAppender.file(properties.file());
            appender.setContext(context);
            appender.setName("meshgate-access");
            appender.setEncoder(encoder);
            appender.start();
            Logger logger = context.getLogger(AccessLog.LOGGER);
            if (logger.getLevel() == null) {
                // The access log does not follow the application log's level (root WARN still logs it).
                logger.setLevel(Level.INFO);
            }
            logger.setAdditive(false);
            logger.addAppender(appender);
            return new AccessLogOutput(logger, appender);
        }

        Logger logger() {
            return logger;
        }

        BatchingOutputAppender appender() {
            return appender;
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            appender.stop();
        }
    }
}
