package io.meshgate.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.config.ConfigException;
import io.meshgate.config.RouteMatch;
import io.meshgate.config.SourceLocation;
import io.meshgate.config.ValueMatch;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
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

    // ---- explain

    private static RequestMatcher everyCondition() throws ConfigException {
        return RequestMatcher.compile(match(
                List.of("*.example.com"),
                List.of("/orders/**", "/users/{id}"),
                Set.of("GET", "POST"),
                List.of(
                        value("X-Env", ValueMatch.Kind.PREFIX, "stag"),
                        value("X-Id", ValueMatch.Kind.REGEX, "[0-9]+"),
                        value("X-Debug", ValueMatch.Kind.PRESENT, null)),
                List.of(value("version", ValueMatch.Kind.EXACT, "2"))));
    }

    /** Explains a mock request by its parts, as the admin view does. */
    private static String explain(RequestMatcher matcher, MockServerHttpRequest request) {
        return matcher.explain(
                request.getMethod().name(),
                request.getHeaders().getFirst("Host"),
                request.getPath().pathWithinApplication().value(),
                request.getHeaders(),
                request.getQueryParams());
    }

    private static MockServerHttpRequest.BaseBuilder<?> good(MockServerHttpRequest.BaseBuilder<?> builder) {
        return builder.header("Host", "api.example.com:8443")
                .header("X-Env", "staging")
                .header("X-Id", "42")
                .header("X-Debug", "");
    }

    @Test
    void explainNamesTheFirstConditionThatFails() throws ConfigException {
        RequestMatcher matcher = everyCondition();

        assertThat(explain(
                        matcher,
                        good(MockServerHttpRequest.get("/orders/1?version=2")).build()))
                .isNull();
        assertThat(explain(
                        matcher,
                        good(MockServerHttpRequest.put("/orders/1?version=2")).build()))
                .isEqualTo("method PUT is not one of [GET, POST]");
        assertThat(explain(
                        matcher,
                        MockServerHttpRequest.get("/orders/1?version=2")
                                .header("Host", "example.com")
                                .build()))
                .isEqualTo("host 'example.com' does not match [*.example.com]");
        assertThat(explain(matcher, MockServerHttpRequest.get("/orders/1").build()))
                .isEqualTo("no Host header does not match [*.example.com]");
        assertThat(explain(
                        matcher,
                        good(MockServerHttpRequest.get("/users/1/x?version=2")).build()))
                .isEqualTo("path '/users/1/x' matches none of [/orders/**, /users/{id}]");
        assertThat(explain(
                        matcher,
                        MockServerHttpRequest.get("/orders?version=2")
                                .header("Host", "api.example.com")
                                .header("X-Env", "staging")
                                .header("X-Id", "42a")
                                .build()))
                .isEqualTo("header X-Id '42a' is not matching /[0-9]+/");
    }

    @Test
    void explainDescribesAbsentAndWrongValues() throws ConfigException {
        RequestMatcher matcher = everyCondition();
        MockServerHttpRequest noDebug = MockServerHttpRequest.get("/orders?version=2")
                .header("Host", "a.example.com")
                .header("X-Env", "staging")
                .header("X-Id", "7")
                .build();
        MockServerHttpRequest wrongEnv = MockServerHttpRequest.get("/orders?version=2")
                .header("Host", "a.example.com")
                .header("X-Env", "prod")
                .build();

        assertThat(explain(matcher, noDebug)).isEqualTo("header X-Debug is absent; expected present");
        assertThat(explain(matcher, wrongEnv)).isEqualTo("header X-Env 'prod' is not starting with 'stag'");
        assertThat(explain(
                        matcher,
                        good(MockServerHttpRequest.get("/orders?version=3")).build()))
                .isEqualTo("query parameter version '3' is not equal to '2'");
        assertThat(explain(matcher, good(MockServerHttpRequest.get("/orders")).build()))
                .isEqualTo("query parameter version is absent; expected equal to '2'");
    }

    @Test
    void explainAgreesWithMatchesOnEveryVariation() throws ConfigException {
        RequestMatcher matcher = everyCondition();
        List<MockServerHttpRequest> requests = new java.util.ArrayList<>();
        for (String method : List.of("GET", "PUT")) {
            for (String host : List.of("api.example.com", "example.com", "A.EXAMPLE.COM:80")) {
                for (String path : List.of("/orders", "/users/1", "/users/1/2")) {
                    for (String id : List.of("1", "x")) {
                        for (String query : List.of("?version=2", "?version=1", "")) {
                            requests.add(MockServerHttpRequest.method(
                                            org.springframework.http.HttpMethod.valueOf(method), path + query)
                                    .header("Host", host)
                                    .header("X-Env", "stage")
                                    .header("X-Id", id)
                                    .header("X-Debug", "on")
                                    .build());
                        }
                    }
                }
            }
        }

        assertThat(requests).hasSize(108);
        assertThat(requests).allSatisfy(request -> assertThat(explain(matcher, request) == null)
                .as("%s %s %s", request.getMethod(), request.getHeaders().getFirst("Host"), request.getURI())
                .isEqualTo(matcher.matches(request)));
        assertThat(requests.stream().filter(matcher::matches)).isNotEmpty();
    }

    @Test
    void nettyRequestsMatchAsSpringRequestsDo() throws ConfigException {
        RequestMatcher matcher = RequestMatcher.compile(match(
                List.of("*.example.com"),
                List.of("/orders/**", "/users/{id}"),
                Set.of("GET", "HEAD"),
                List.of(value("X-Env", ValueMatch.Kind.PREFIX, "stag")),
                List.of(value("q", ValueMatch.Kind.EXACT, "a b"), value("flag", ValueMatch.Kind.PRESENT, null))));
        String[][] cases = {
            {"GET", "/orders/1?q=a+b&flag", "api.example.com", "staging"},
            {"GET", "/orders/1?q=a%20b&flag=", "api.example.com:8443", "stage"},
            {"GET", "/orders?flag=1&q=a+b", "api.example.com", "staging"},
            {"HEAD", "/users/7?q=a+b&flag=x#frag", "x.example.com", "staging"},
            {"GET", "/users/7/x?q=a+b&flag", "api.example.com", "staging"},
            {"POST", "/orders/1?q=a+b&flag", "api.example.com", "staging"},
            {"GET", "/orders/1?q=a+b", "api.example.com", "staging"},
            {"GET", "/orders/1?q=ab&flag", "api.example.com", "staging"},
            {"GET", "/orders/1?q=a+b&flag", "example.org", "staging"},
            {"GET", "/orders/1?q=a+b&flag", "api.example.com", "prod"},
            {"GET", "/orders/1?q=a+b&flag", null, "staging"},
            {"GET", "/orders/%31?q=a%2Bb&flag", "api.example.com", "staging"},
        };
        int matched = 0;
        for (String[] c : cases) {
            MockServerHttpRequest.BaseBuilder<?> spring = MockServerHttpRequest.method(
                            org.springframework.http.HttpMethod.valueOf(c[0]), java.net.URI.create(c[1]))
                    .header("X-Env", c[3]);
            DefaultHttpRequest netty = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(c[0]), c[1]);
            netty.headers().set("x-env", c[3]);
            if (c[2] != null) {
                spring.header("Host", c[2]);
                netty.headers().set("Host", c[2]);
            }
            boolean expected = matcher.matches(spring.build());
            assertThat(matcher.matches(netty))
                    .as("%s %s host %s", c[0], c[1], c[2])
                    .isEqualTo(expected);
            matched += expected ? 1 : 0;
        }
        // "flag" without "=" has no value, so a presence check fails on it in both.
        assertThat(matched).as("cases that match").isEqualTo(3);
    }
}
