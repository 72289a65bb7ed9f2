package io.meshgate.app.accesslog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link AccessRecord}s to the logger {@code meshgate.access}. The record travels as the
 * event's only argument to the asynchronous appender; the JSON is made by {@link
 * AccessLogFormatter} on the appender's thread, so the request path pays for one logging event.
 */
public final class AccessLog {

    /** The logger the lines go through ({@code logging.level.meshgate.access=off} silences it too). */
    public static final String LOGGER = "meshgate.access";

    private final Logger logger = LoggerFactory.getLogger(LOGGER);

    public void write(AccessRecord record) {
        // No placeholder in the message: nothing is formatted on the caller's thread.
        logger.info("access", record);
    }
}
