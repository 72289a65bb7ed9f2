package io.meshgate.app.accesslog;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.net.InetSocketAddress;
import java.time.Instant;
import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.logging.structured.StructuredLogFormatter;

/**
 * Spring Boot structured-logging format of the access log: one flat JSON object per request, with
 * the fields of {@link AccessRecord}. Events that do not carry a record (anything else logged to
 * {@code meshgate.access}) are written as {@code {"time":..., "message":...}}.
 */
public final class AccessLogFormatter implements StructuredLogFormatter<ILoggingEvent> {

    private static final JsonWriter<AccessRecord> RECORD = JsonWriter.<AccessRecord>of(members -> {
                members.add("time", record -> Instant.ofEpochMilli(record.startMillis())
                        .toString());
                members.add("method", AccessRecord::method);
                members.add("path", record -> path(record.uri()));
                members.add("route", AccessRecord::route);
                members.add("upstream", AccessRecord::upstream);
                members.add("endpoint", AccessRecord::endpoint);
                members.add("status", AccessRecord::status);
                members.add("duration_ms", record -> Math.round(record.durationNanos() / 1000.0) / 1000.0);
                members.add("attempts", AccessRecord::attempts);
                members.add("bytes_in", record -> length(record.requestLength()));
                members.add("bytes_out", record -> length(record.responseLength()));
                members.add("trace_id", AccessRecord::traceId);
                members.add("sampled", AccessRecord::sampled);
                members.add("client", record -> address(record.client()));
                members.add("identity", AccessRecord::identity);
                members.add("error", AccessRecord::error).whenNotNull().as(Throwable::toString);
            })
            .withNewLineAtEnd();

    private static final JsonWriter<ILoggingEvent> OTHER = JsonWriter.<ILoggingEvent>of(members -> {
                members.add("time", event -> event.getInstant().toString());
                members.add("message", ILoggingEvent::getFormattedMessage);
            })
            .withNewLineAtEnd();

    @Override
    public String format(ILoggingEvent event) {
        Object[] arguments = event.getArgumentArray();
        if (arguments != null && arguments.length == 1 && arguments[0] instanceof AccessRecord record) {
            return RECORD.writeToString(record);
        }
        return OTHER.writeToString(event);
    }

    static String path(String uri) {
        if (uri == null) {
            return null;
        }
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    /** A Content-Length header as a number; null when absent or not a number. */
    static Long length(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String address(InetSocketAddress address) {
        if (address == null) {
            return null;
        }
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
