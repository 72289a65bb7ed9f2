package io.meshgate.app.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HstsTest {

    @Test
    void headerValueNamesMaxAgeInSecondsAndTheOptions() {
        assertThat(new TlsProperties.Hsts(true, Duration.ofDays(365), false, false).headerValue())
                .isEqualTo("max-age=31536000");
        assertThat(new TlsProperties.Hsts(true, Duration.ofDays(730), true, true).headerValue())
                .isEqualTo("max-age=63072000; includeSubDomains; preload");
    }

    @Test
    void preloadNeedsSubdomainsAndAYear() {
        assertThatThrownBy(() -> new TlsProperties.Hsts(true, Duration.ofDays(365), false, true))
                .hasMessageContaining("include-sub-domains");
        assertThatThrownBy(() -> new TlsProperties.Hsts(true, Duration.ofDays(30), true, true))
                .hasMessageContaining("365d");
    }
}
