package io.meshgate.app.accesslog;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The access log ({@code meshgate.access-log.enabled}, on by default): an {@link AccessLog} whose
 * writer thread writes {@link AccessLogFormatter}'s JSON lines to standard output or {@code
 * meshgate.access-log.file}, while the logger {@code meshgate.access} is enabled for INFO. Built
 * here rather than in a Logback file so it follows the Spring properties and needs no logging
 * configuration.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "meshgate.access-log.enabled", matchIfMissing = true)
public class AccessLogConfiguration {

    @Bean(destroyMethod = "close")
    AccessLogOutput accessLogOutput(AccessLogProperties properties) {
        return properties.file() == null ? AccessLogOutput.standardOutput() : AccessLogOutput.file(properties.file());
    }

    @Bean(destroyMethod = "close")
    AccessLog accessLog(AccessLogProperties properties, AccessLogOutput output, MeterRegistry registry) {
        AccessLog log = new AccessLog(switchLogger(), properties.queueSize(), output).start();
        FunctionCounter.builder("meshgate.access.log.dropped", log, AccessLog::dropped)
                .description("Access log lines dropped because the writer could not keep up")
                .register(registry);
        return log;
    }

    /** {@code meshgate.access}, at INFO unless {@code logging.level.meshgate.access} says otherwise. */
    private static Logger switchLogger() {
        Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
        if (logger.getLevel() == null) {
            // The access log does not follow the application log's level (root WARN still logs it).
            logger.setLevel(Level.INFO);
        }
        return logger;
    }
}
