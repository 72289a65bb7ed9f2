package io.meshgate.app.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HopByHopHeadersTest {

    @Test
    void removesTheFixedListAndConnectionOptions() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("connection", "keep-alive, X-A ,x-b")
                .add("x-a", "1")
                .add("X-B", "2")
                .add("keep-alive", "timeout=5")
                .add("proxy-connection", "keep-alive")
                .add("upgrade", "h2c")
                .add("x-kept", "3");
        HopByHopHeaders.remove(headers);
        assertThat(headers.names()).containsExactly("x-kept");
    }

    @Test
    void keepsTeTrailersOnly() {
        HttpHeaders trailers = new DefaultHttpHeaders().add("te", "deflate;q=0.5, trailers");
        HopByHopHeaders.remove(trailers);
        assertThat(trailers.get("te")).isEqualTo("trailers");
        HttpHeaders other = new DefaultHttpHeaders().add("te", "deflate");
        HopByHopHeaders.remove(other);
        assertThat(other.contains("te")).isFalse();
    }

    @Test
    void aConnectionOptionNeverRemovesFramingOrHost() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("connection", "Content-Length, host, transfer-encoding")
                .add("content-length", "5")
                .add("host", "a");
        HopByHopHeaders.remove(headers);
        assertThat(headers.get("content-length")).isEqualTo("5");
        assertThat(headers.get("host")).isEqualTo("a");
    }
}
