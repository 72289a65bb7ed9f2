package io.meshgate.app.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AccessLogFormatterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void writesOneJsonLineThatAJsonParserReadsBackExactly() {
        String line = AccessLogFormatter.json(
                new Record("/a\"b\\c\u0001d\u2028e/ü?q=secret", new IllegalStateException("bad\nthing")));

        assertThat(line).endsWith("}\n").doesNotContain("secret");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
        JsonNode json = JSON.readTree(line);
        assertThat(json.path("time").asString()).isEqualTo("2026-11-24T14:44:36.104Z");
        assertThat(json.path("path").asString()).isEqualTo("/a\"b\\c\u0001d\u2028e/ü");
        assertThat(json.path("duration_ms").asDouble()).isEqualTo(9.005);
        assertThat(json.path("status").asInt()).isEqualTo(502);
        assertThat(json.path("bytes_in").isNull()).isTrue();
        assertThat(json.path("bytes_out").asLong()).isEqualTo(217);
        assertThat(json.path("client").asString()).isEqualTo("[0:0:0:0:0:0:0:1]:5555");
        assertThat(json.path("identity").isNull()).isTrue();
        assertThat(json.path("sampled").asBoolean()).isTrue();
        assertThat(json.path("error").asString()).isEqualTo("java.lang.IllegalStateException: bad\nthing");
    }

    @Test
    void writesTheTimeAsInstantDoesAcrossSecondsAndMilliseconds() {
        long[] times = {0, 999, 1000, 1001, 1010, 1100, 1795531476104L, 1795531477000L, 1795531476104L, -1, -1500};
        for (long millis : times) {
            StringBuilder json = new StringBuilder();
            AccessLogFormatter.time(json, millis);
            assertThat(json.toString()).as("at %d ms", millis).isEqualTo("\"" + Instant.ofEpochMilli(millis) + "\"");
        }
    }

    static AccessRecord record(String uri) {
        return new Record(uri, null);
    }

    private record Record(String uri, Throwable error) implements AccessRecord {
        public long startMillis() {
            return 1795531476104L;
        }

        public long durationNanos() {
            return 9_005_999;
        }

        public String method() {
            return "GET";
        }

        public String route() {
            return "orders";
        }

        public String upstream() {
            return "orders";
        }

        public String endpoint() {
            return "10.0.0.7:8080";
        }

        public int status() {
            return 502;
        }

        public int attempts() {
            return 1;
        }

        public String requestLength() {
            return null;
        }

        public String responseLength() {
            return "217";
        }

        public String traceId() {
            return "4bf92f3577b34da6a3ce929d0e0e4736";
        }

        public boolean sampled() {
            return true;
        }

        public InetSocketAddress client() {
            return new InetSocketAddress("::1", 5555);
        }

        public String identity() {
            return null;
        }
    }
}
