package io.meshgate.app.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private final TrustedProxies proxies =
            TrustedProxies.parse(List.of("10.0.0.0/8", "192.168.1.128/25", "127.0.0.1", "fd00::/8"));

    @Test
    void trustsAddressesInsideTheBlocks() throws Exception {
        assertThat(proxies.trusts(InetAddress.getByName("10.255.1.2"))).isTrue();
        assertThat(proxies.trusts(InetAddress.getByName("192.168.1.200"))).isTrue();
        assertThat(proxies.trusts(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(proxies.trusts(InetAddress.getByName("fd12::1"))).isTrue();
    }

    @Test
    void distrustsAddressesOutsideThem() throws Exception {
        assertThat(proxies.trusts(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(proxies.trusts(InetAddress.getByName("192.168.1.127"))).isFalse();
        assertThat(proxies.trusts(InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThat(proxies.trusts(InetAddress.getByName("fe80::1"))).isFalse();
        assertThat(TrustedProxies.NONE.trusts(InetAddress.getByName("10.0.0.1")))
                .isFalse();
    }

    @Test
    void zeroPrefixTrustsTheWholeFamilyOnly() throws Exception {
        TrustedProxies all = TrustedProxies.parse(List.of("0.0.0.0/0"));
        assertThat(all.trusts(InetAddress.getByName("8.8.8.8"))).isTrue();
        assertThat(all.trusts(InetAddress.getByName("::1"))).isFalse();
    }

    @Test
    void rejectsWhatIsNotACidrNamingTheEntry() {
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0.0/33")))
                .hasMessageContaining("'10.0.0.0/33'")
                .hasMessageContaining("0 to 32");
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("proxy.internal/8")))
                .hasMessageContaining("'proxy.internal/8'")
                .hasMessageContaining("IPv4 or IPv6");
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0.0/x"))).hasMessageContaining("not a number");
    }
}
