package io.meshgate.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostMatcherTest {

    @Test
    void exactNamesMatchCaseInsensitivelyAndIgnoreThePort() {
        HostMatcher matcher = HostMatcher.of(List.of("api.example.com"));
        assertThat(matcher.matches("api.example.com")).isTrue();
        assertThat(matcher.matches("API.Example.COM:8443")).isTrue();
        assertThat(matcher.matches("www.example.com")).isFalse();
        assertThat(matcher.matches(null)).isFalse();
    }

    @Test
    void leadingWildcardTakesSubdomainsButNotTheBareDomain() {
        HostMatcher matcher = HostMatcher.of(List.of("*.example.com"));
        assertThat(matcher.matches("a.example.com")).isTrue();
        assertThat(matcher.matches("a.b.example.com:80")).isTrue();
        assertThat(matcher.matches("example.com")).isFalse();
        assertThat(matcher.matches("badexample.com")).isFalse();
    }

    @Test
    void starAndEmptyListMatchEveryHost() {
        assertThat(HostMatcher.of(List.of("*")).matches("anything")).isTrue();
        assertThat(HostMatcher.of(List.of()).matches(null)).isTrue();
    }

    @Test
    void ipv6HostsKeepTheirBrackets() {
        HostMatcher matcher = HostMatcher.of(List.of("[::1]"));
        assertThat(matcher.matches("[::1]:8080")).isTrue();
        assertThat(matcher.matches("[::1]")).isTrue();
        assertThat(matcher.matches("[::2]:8080")).isFalse();
    }
}
