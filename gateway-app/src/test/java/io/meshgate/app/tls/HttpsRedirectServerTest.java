package io.meshgate.app.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpsRedirectServerTest {

    @Test
    void replacesTheHostsPortAndLeavesOut443() {
        assertThat(new HttpsRedirectServer("127.0.0.1", 0, 443).location("shop.example.com:80", "/a?b"))
                .isEqualTo("https://shop.example.com/a?b");
        assertThat(new HttpsRedirectServer("127.0.0.1", 0, 8443).location("shop.example.com", "/"))
                .isEqualTo("https://shop.example.com:8443/");
        assertThat(new HttpsRedirectServer("127.0.0.1", 0, 8443).location("[::1]:8080", "/x"))
                .isEqualTo("https://[::1]:8443/x");
    }
}
