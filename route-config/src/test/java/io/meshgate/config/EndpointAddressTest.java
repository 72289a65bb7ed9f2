package io.meshgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointAddressTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "127.0.0.1:18081, 127.0.0.1, 18081",
        "10.1.2.3:1, 10.1.2.3, 1",
        "0.0.0.0:65535, 0.0.0.0, 65535",
        "[::1]:8080, ::1, 8080",
        "[2001:db8::8a2e:370:7334]:443, 2001:db8::8a2e:370:7334, 443",
        "[2001:db8:0:0:0:0:0:1]:80, 2001:db8:0:0:0:0:0:1, 80",
        "[::ffff:10.0.0.1]:80, ::ffff:10.0.0.1, 80",
        "[::]:80, ::, 80",
        "[fe80::1%eth0]:80, fe80::1%eth0, 80",
        "localhost:8080, localhost, 8080",
        "orders.shop.svc.cluster.local:80, orders.shop.svc.cluster.local, 80",
        "backend.example.com.:80, backend.example.com., 80",
        "my_host-1:80, my_host-1, 80"
    })
    void parsesHostAndPort(String text, String host, int port) {
        EndpointAddress address = EndpointAddress.parse(text);

        assertThat(address.host()).isEqualTo(host);
        assertThat(address.port()).isEqualTo(port);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "127.0.0.1| missing port",
                "[::1]| missing port",
                "[::1]8080| missing port",
                "host:| port '' is not a number from 1 to 65535",
                "host:http| port 'http' is not a number from 1 to 65535",
                "host:0| port 0 is out of range; expected 1 to 65535",
                "host:65536| port 65536 is out of range; expected 1 to 65535",
                "host:70000| port 70000 is out of range; expected 1 to 65535",
                "host:123456| port '123456' is not a number from 1 to 65535",
                "::1:8080| an IPv6 address needs brackets, as in [::1]:8080",
                "[::1:8080| missing ']' after the IPv6 address",
                "[::g]:80| '::g' is not an IPv6 address",
                "[1:2:3:4:5:6:7:8:9]:80| '1:2:3:4:5:6:7:8:9' is not an IPv6 address",
                "[1::2::3]:80| '1::2::3' is not an IPv6 address",
                "[12345::1]:80| '12345::1' is not an IPv6 address",
                "[10.0.0.1]:80| '10.0.0.1' is not an IPv6 address",
                "300.1.2.3:80| '300.1.2.3' is not a host name or IPv4 address",
                "1.2.3:80| '1.2.3' is not a host name or IPv4 address",
                ":80| '' is not a host name or IPv4 address",
                "bad host:80| 'bad host' is not a host name or IPv4 address",
                "-leading.example.com:80| '-leading.example.com' is not a host name or IPv4 address",
                "a..b:80| 'a..b' is not a host name or IPv4 address"
            })
    void explainsWhatIsWrong(String text, String why) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EndpointAddress.parse(text))
                .withMessageStartingWith("invalid address '" + text + "': " + why);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"127.0.0.1:18081", "[::1]:8080", "localhost:80", "[fe80::1%eth0]:443"})
    void staticEndpointWritesTheAddressBackAsGiven(String text) {
        EndpointAddress address = EndpointAddress.parse(text);

        assertThat(new StaticEndpoint(address.host(), address.port(), 1, SourceLocation.unknown("f")).address())
                .isEqualTo(text);
    }
}
