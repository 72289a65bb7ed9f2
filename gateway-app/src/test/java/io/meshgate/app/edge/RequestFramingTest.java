package io.meshgate.app.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class RequestFramingTest {

    @Test
    void acceptsOneHostAndChunkedOrNoTransferEncoding() {
        assertThat(RequestFraming.problem(HttpVersion.HTTP_1_1, headers("host", "a")))
                .isNull();
        assertThat(RequestFraming.problem(HttpVersion.HTTP_1_1, headers("host", "a", "transfer-encoding", "Chunked")))
                .isNull();
        assertThat(RequestFraming.problem(HttpVersion.HTTP_1_0, new DefaultHttpHeaders()))
                .isNull();
    }

    @Test
    void rejectsMissingOrRepeatedHostInHttp11() {
        assertThat(RequestFraming.problem(HttpVersion.HTTP_1_1, new DefaultHttpHeaders()))
                .contains("Host");
        assertThat(RequestFraming.problem(HttpVersion.HTTP_1_1, headers("host", "a", "host", "b")))
                .contains("Host");
    }

    @Test
    void rejectsAnyTransferEncodingButOneChunked() {
        for (String encoding : new String[] {"identity, chunked", "gzip, chunked", "xchunked", "chunked;x=1", ""}) {
            assertThat(RequestFraming.problem(
                            HttpVersion.HTTP_1_1, headers("host", "a", "transfer-encoding", encoding)))
                    .as(encoding)
                    .contains("Transfer-Encoding");
        }
        assertThat(RequestFraming.problem(
                        HttpVersion.HTTP_1_1,
                        headers("host", "a", "transfer-encoding", "chunked", "transfer-encoding", "chunked")))
                .contains("Transfer-Encoding");
    }

    private static HttpHeaders headers(String... namesAndValues) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }
}
