package io.meshgate.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.balance.Endpoint;
import java.net.URI;
import org.junit.jupiter.api.Test;

class UpstreamRoutingFilterTest {

    @Test
    void targetKeepsTheEncodedPathAndQuery() {
        URI merged = URI.create("meshgate://orders/a%20b/c%2Fd?q=x%26y&z=1");
        assertThat(UpstreamRoutingFilter.target(Endpoint.of("10.0.0.1", 8080, 1), merged))
                .hasToString("http://10.0.0.1:8080/a%20b/c%2Fd?q=x%26y&z=1");
    }

    @Test
    void emptyPathBecomesSlashAndIpv6IsBracketed() {
        assertThat(UpstreamRoutingFilter.target(Endpoint.of("::1", 80, 1), URI.create("meshgate://orders")))
                .hasToString("http://[::1]:80/");
    }
}
