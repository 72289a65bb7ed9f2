package io.meshgate.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.config.ConfigException;
import io.meshgate.config.RouteMatch;
import io.meshgate.config.SourceLocation;
import io.meshgate.config.ValueMatch;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class RequestMatcherTest {

    private static final SourceLocation HERE = new SourceLocation("routes.yaml", 3, 5);

    private static RouteMatch match(
            List<String> hosts,
            List<String> paths,
            Set<String> methods,
            List<ValueMatch> headers,
            List<ValueMatch> query) {
        return new RouteMatch(hosts, paths, methods, headers, query, HERE);
    }

    private static ValueMatch value(String name, ValueMatch.Kind kind, String value) {
        return new ValueMatch(name, kind, value, HERE);
    }

    @Test
    void emptyMatchTakesEveryRequest() throws ConfigException {
        RequestMatcher matcher = RequestMatcher.compile(match(List.of(), List.of(), Set.of(), List.of(), List.of()));
        assertThat(matcher.matches(MockServerHttpRequest.delete("/anything").build()))
                .isTrue();
    }

    @Test
    void pathPatternsUseSpringSyntax() throws ConfigException {
        RequestMatcher matcher = RequestMatcher.compile(
                match(List.of(), List.of("/orders/**", "/users/{id}"), Set.of(), List.of(), List.of()));
        assertThat(matcher.matches(MockServerHttpRequest.get("/orders").build()))
                .isTrue();
        assertThat(matcher.matches(MockServerHttpRequest.get("/orders/1/items").build()))
                .isTrue();
        assertThat(matcher.matches(MockServerHttpRequest.get("/users/7").build()))
                .isTrue();
        assertThat(matcher.matches(MockServerHttpRequest.get("/users/7/x").build()))
                .isFalse();
        assertThat(matcher.matches(MockServerHttpRequest.get("/ordersx").build()))
                .isFalse();
    }

    @Test
    void methodsHostHeadersAndQueryMustAllHold() throws ConfigException {
        RequestMatcher matcher = RequestMatcher.compile(match(
                List.of("*.example.com"),
                List.of(),
                Set.of("GET", "POST"),
                List.of(
                        value("X-Env", ValueMatch.Kind.PREFIX, "stag"),
                        value("X-Id", ValueMatch.Kind.REGEX, "[0-9]+"),
                        value("X-Debug", ValueMatch.Kind.PRESENT, null)),
                List.of(value("version", ValueMatch.Kind.EXACT, "2"))));
        MockServerHttpRequest.BaseBuilder<?> good = MockServerHttpRequest.post("/x?version=2")
                .header("Host", "api.example.com")
                .header("x-env", "staging")
                .header("X-Id", "42")
                .header("X-Debug", "");
        assertThat(matcher.matches(good.build())).isTrue();
        assertThat(matcher.matches(MockServerHttpRequest.put("/x?version=2")
                        .header("Host", "api.example.com")
                        .header("X-Env", "staging")
                        .header("X-Id", "42")
                        .header("X-Debug", "1")
                        .build()))
                .as("method PUT is not listed")
                .isFalse();
        assertThat(matcher.matches(MockServerHttpRequest.get("/x?version=3")
                        .header("Host", "api.example.com")
                        .header("X-Env", "staging")
                        .header("X-Id", "42")
                        .header("X-Debug", "1")
                        .build()))
                .as("query version=3")
                .isFalse();
        assertThat(matcher.matches(MockServerHttpRequest.get("/x?version=2")
                        .header("Host", "api.example.com")
                        .header("X-Env", "staging")
                        .header("X-Id", "42a")
                        .header("X-Debug", "1")
                        .build()))
                .as("regex must match the whole value")
                .isFalse();
        assertThat(matcher.matches(MockServerHttpRequest.get("/x?version=2")
                        .header("Host", "api.example.com")
                        .header("X-Env", "staging")
                        .header("X-Id", "42")
                        .build()))
                .as("X-Debug absent")
                .isFalse();
    }

    @Test
    void badPathPatternIsAConfigErrorAtTheMatchLocation() {
        assertThatThrownBy(() ->
                        RequestMatcher.compile(match(List.of(), List.of("/a/**/b/{"), Set.of(), List.of(), List.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes.yaml:3:5: path pattern '/a/**/b/{' is not valid");
    }
}
