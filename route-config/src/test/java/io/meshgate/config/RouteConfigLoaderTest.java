package io.meshgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteConfigLoaderTest {

    private static final String REFERENCE =
            """
            upstreams:
              echo-v1:
                endpoints: [ { address: "127.0.0.1:18081", weight: 3 }, { address: "[::1]:18082" } ]
              orders:
                kubernetes: { service: orders, namespace: shop, port: http }
            routes:
              - id: orders
                match:
                  host: API.example.com
                  path: /orders/**
                  methods: [GET, post]
                  headers: { X-Canary: "true", X-Env: { prefix: "stag" }, X-Debug: { present: true }, X-Id: { regex: "[0-9]+" } }
                  query:   { version: "2" }
                backends: [ { upstream: orders, weight: 90 }, { upstream: echo-v1, weight: 10 } ]
                timeout: 5s
                filters: [ "StripPrefix=1", "AddRequestHeader=X-From, meshgate" ]
            """;

    @TempDir
    Path dir;

    private static RouteConfig load(String name, String text) throws ConfigException {
        return RouteConfigLoader.load(List.of(new RouteSource(name, text)));
    }

    private static List<String> errors(ThrowingLoad load) {
        ConfigException rejected = catchThrowableOfType(ConfigException.class, load::load);
        assertThat(rejected).as("the configuration is rejected").isNotNull();
        return rejected.errors().stream().map(ConfigError::toString).toList();
    }

    private interface ThrowingLoad {
        void load() throws Exception;
    }

    @Test
    void bindsEveryPartOfTheReferenceExample() throws ConfigException {
        RouteConfig config = load("routes.yaml", REFERENCE);

        assertThat(config.upstreams()).containsOnlyKeys("echo-v1", "orders");
        Upstream echo = config.upstreams().get("echo-v1");
        assertThat(echo.location()).isEqualTo(new SourceLocation("routes.yaml", 2, 3));
        assertThat(((StaticEndpoints) echo.source()).endpoints())
                .extracting(StaticEndpoint::host, StaticEndpoint::port, StaticEndpoint::weight)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("127.0.0.1", 18081, 3),
                        org.assertj.core.groups.Tuple.tuple("::1", 18082, 1));
        assertThat(config.upstreams().get("orders").source())
                .isEqualTo(new KubernetesService("orders", "shop", "http", new SourceLocation("routes.yaml", 5, 17)));

        Route route = config.routes().get(0);
        assertThat(route.id()).isEqualTo("orders");
        assertThat(route.location()).isEqualTo(new SourceLocation("routes.yaml", 7, 5));
        RouteMatch match = route.match();
        assertThat(match.hosts()).containsExactly("api.example.com");
        assertThat(match.paths()).containsExactly("/orders/**");
        assertThat(match.methods()).containsExactlyInAnyOrder("GET", "POST");
        assertThat(match.headers())
                .extracting(ValueMatch::name, ValueMatch::kind, ValueMatch::value)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("X-Canary", ValueMatch.Kind.EXACT, "true"),
                        org.assertj.core.groups.Tuple.tuple("X-Env", ValueMatch.Kind.PREFIX, "stag"),
                        org.assertj.core.groups.Tuple.tuple("X-Debug", ValueMatch.Kind.PRESENT, null),
                        org.assertj.core.groups.Tuple.tuple("X-Id", ValueMatch.Kind.REGEX, "[0-9]+"));
        assertThat(match.queryParams())
                .containsExactly(new ValueMatch(
                        "version", ValueMatch.Kind.EXACT, "2", new SourceLocation("routes.yaml", 13, 18)));
        assertThat(route.backends())
                .containsExactly(
                        new Backend("orders", 90, new SourceLocation("routes.yaml", 14, 29)),
                        new Backend("echo-v1", 10, new SourceLocation("routes.yaml", 14, 63)));
        assertThat(route.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(route.filters())
                .containsExactly(
                        new FilterSpec("StripPrefix=1", new SourceLocation("routes.yaml", 16, 16)),
                        new FilterSpec("AddRequestHeader=X-From, meshgate", new SourceLocation("routes.yaml", 16, 33)));
        assertThat(config.files()).containsExactly("routes.yaml");
    }

    @Test
    void appliesDefaultsForKeysLeftOut() throws ConfigException {
        RouteConfig config = load(
                "routes.yaml",
                """
                upstreams:
                  echo:
                    endpoints: [{ address: "127.0.0.1:18081" }]
                  orders:
                    kubernetes: { service: orders, port: 8080 }
                routes:
                  - id: all
                    backends: [{ upstream: echo }]
                """);

        Route route = config.routes().get(0);
        assertThat(route.match()).isEqualTo(RouteMatch.any(route.location()));
        assertThat(route.timeout()).isEqualTo(Route.DEFAULT_TIMEOUT).isEqualTo(Duration.ofSeconds(15));
        assertThat(route.filters()).isEmpty();
        assertThat(route.backends()).extracting(Backend::weight).containsExactly(1);
        assertThat(((StaticEndpoints) config.upstreams().get("echo").source()).endpoints())
                .extracting(StaticEndpoint::weight)
                .containsExactly(1);
        KubernetesService orders =
                (KubernetesService) config.upstreams().get("orders").source();
        assertThat(orders.namespace()).isEqualTo("default");
        assertThat(orders.port()).isEqualTo("8080");
    }

    @Test
    void upstreamShorthandIsOneBackendOfWeightOne() throws ConfigException {
        RouteConfig config = load(
                "routes.yaml",
                """
                upstreams: { echo: { endpoints: [{ address: "127.0.0.1:18081" }] } }
                routes: [ { id: echo, upstream: echo } ]
                """);

        assertThat(config.routes().get(0).backends())
                .containsExactly(new Backend("echo", 1, new SourceLocation("routes.yaml", 2, 33)));
    }

    @Test
    void emptyAndCommentOnlyFilesContributeNothing() throws ConfigException {
        RouteConfig config = RouteConfigLoader.load(List.of(
                new RouteSource("a.yaml", ""),
                new RouteSource("b.yaml", "# nothing here yet\n"),
                new RouteSource("c.yaml", "---\n"),
                new RouteSource("d.yaml", "upstreams: {}\nroutes: []\n")));

        assertThat(config.upstreams()).isEmpty();
        assertThat(config.routes()).isEmpty();
        assertThat(config.files()).containsExactly("a.yaml", "b.yaml", "c.yaml", "d.yaml");
    }

    @Test
    void keepsFilesInNameOrderAndDeclarationsInOrderWithinAFile() throws ConfigException {
        RouteConfig config = RouteConfigLoader.load(
                List.of(
                        new RouteSource(
                                "b.yaml",
                                """
                        upstreams: { zeta: { endpoints: [{ address: "127.0.0.1:1" }] } }
                        routes: [ { id: b2, upstream: alpha }, { id: b1, upstream: zeta } ]
                        """),
                        new RouteSource(
                                "a.yaml",
                                """
                        upstreams: { alpha: { endpoints: [{ address: "127.0.0.1:2" }] } }
                        routes: [ { id: a9, upstream: zeta }, { id: a1, upstream: alpha } ]
                        """)));

        assertThat(config.files()).containsExactly("a.yaml", "b.yaml");
        assertThat(config.routes()).extracting(Route::id).containsExactly("a9", "a1", "b2", "b1");
        assertThat(config.upstreams().keySet()).containsExactly("alpha", "zeta");
    }

    @Test
    void duplicateRouteIdAcrossFilesNamesBothFiles() throws IOException {
        Files.writeString(
                dir.resolve("a.yaml"),
                """
                upstreams: { echo: { endpoints: [{ address: "127.0.0.1:18081" }] } }
                routes:
                  - id: orders
                    upstream: echo
                """);
        Files.writeString(
                dir.resolve("b.yaml"),
                """
                routes:
                  - id: other
                    upstream: echo
                  - id: orders
                    upstream: echo
                """);

        assertThat(errors(() -> RouteConfigLoader.load(dir)))
                .containsExactly(dir.resolve("b.yaml") + ":4:5: duplicate route id 'orders'; first defined at "
                        + dir.resolve("a.yaml") + ":3:5");
    }

    @Test
    void duplicateUpstreamAcrossFilesNamesBothFiles() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "upstreams:\n  echo: { endpoints: [{ address: \"127.0.0.1:1\" }] }\n");
        Files.writeString(dir.resolve("b.yml"), "upstreams:\n  echo: { endpoints: [{ address: \"127.0.0.1:2\" }] }\n");

        assertThat(errors(() -> RouteConfigLoader.load(dir)))
                .containsExactly(dir.resolve("b.yml") + ":2:3: duplicate upstream 'echo'; first defined at "
                        + dir.resolve("a.yaml") + ":2:3");
    }

    @Test
    void reportsTheErrorsOfEveryFileInFileOrder() {
        List<String> errors = errors(() -> RouteConfigLoader.load(List.of(
                new RouteSource("z.yaml", "routes: [ { id: z, upstream: nowhere } ]\n"),
                new RouteSource("a.yaml", "routez: []\nupstreams: { a: { endpoints: [] } }\n"))));

        assertThat(errors)
                .containsExactly(
                        "a.yaml:1:1: unknown key 'routez' in a route file; expected one of: upstreams, routes, eastWest",
                        "a.yaml:2:30: upstream 'a' has no endpoints; expected at least one",
                        "z.yaml:1:30: route 'z' refers to upstream 'nowhere', which is not defined; defined upstreams: a");
    }

    @Test
    void exceptionMessageListsEveryError() {
        ConfigException rejected = catchThrowableOfType(
                ConfigException.class,
                () -> load("r.yaml", "routes: [ { id: a, upstream: x }, { id: b, upstream: y } ]\n"));

        assertThat(rejected.getMessage())
                .startsWith("2 errors in route configuration")
                .contains(
                        "r.yaml:1:30: route 'a' refers to upstream 'x', which is not defined; no upstreams are defined")
                .contains("r.yaml:1:54: route 'b' refers to upstream 'y'");
    }

    @Test
    void loadsOnlyVisibleYamlFilesOfADirectory() throws IOException, ConfigException {
        Files.writeString(dir.resolve("b.yml"), "routes: [ { id: b, upstream: echo } ]\n");
        Files.writeString(
                dir.resolve("a.yaml"), "upstreams: { echo: { endpoints: [{ address: \"127.0.0.1:1\" }] } }\n");
        Files.writeString(dir.resolve(".hidden.yaml"), "this is: [not even valid");
        Files.writeString(dir.resolve("notes.txt"), "not yaml");
        Files.writeString(dir.resolve("a.yaml.bak"), "not loaded");
        Files.createDirectory(dir.resolve("nested.yaml"));

        RouteConfig config = RouteConfigLoader.load(dir);

        assertThat(config.files())
                .containsExactly(
                        dir.resolve("a.yaml").toString(), dir.resolve("b.yml").toString());
    }

    @Test
    void loadsAKubernetesConfigMapVolume() throws IOException, ConfigException {
        ConfigMapVolume volume = ConfigMapVolume.create(
                dir,
                Map.of(
                        "routes.yaml",
                        """
                upstreams: { echo: { endpoints: [{ address: "127.0.0.1:18081" }] } }
                routes: [ { id: echo, upstream: echo } ]
                """));

        RouteConfig config = RouteConfigLoader.load(dir);
        assertThat(config.files()).containsExactly(dir.resolve("routes.yaml").toString());
        assertThat(config.routes()).extracting(Route::id).containsExactly("echo");

        volume.update(Map.of("routes.yaml", "routes: [ { id: echo, upstream: gone } ]\n"));
        assertThat(errors(() -> RouteConfigLoader.load(dir)))
                .containsExactly(
                        dir.resolve("routes.yaml")
                                + ":1:33: route 'echo' refers to upstream 'gone', which is not defined; no upstreams are defined");
    }

    @Test
    void loadsASingleFileWhateverItsName() throws IOException, ConfigException {
        Path file = dir.resolve("gateway.conf");
        Files.writeString(file, "upstreams: { echo: { endpoints: [{ address: \"127.0.0.1:1\" }] } }\n");

        assertThat(RouteConfigLoader.load(file).files()).containsExactly(file.toString());
    }

    @Test
    void missingSourceIsAnError() {
        Path missing = dir.resolve("nope");

        assertThat(errors(() -> RouteConfigLoader.load(missing)))
                .containsExactly(missing + ": no such file or directory");
    }

    @Test
    void brokenLinkAndNonUtf8FileAreErrors() throws IOException {
        Files.createSymbolicLink(dir.resolve("a.yaml"), Path.of("..data/a.yaml"));
        Files.write(dir.resolve("b.yaml"), new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'});

        assertThat(errors(() -> RouteConfigLoader.load(dir)))
                .containsExactly(
                        dir.resolve("a.yaml") + ": broken symbolic link",
                        dir.resolve("b.yaml") + ": cannot read: not UTF-8 text");
    }

    @Test
    void refusesFilesLargerThanThreeMegabytesUnread() throws IOException {
        Path big = dir.resolve("big.yaml");
        Files.write(big, new byte[RouteFileParser.MAX_CODE_POINTS + 1]);

        assertThat(errors(() -> RouteConfigLoader.load(big)))
                .containsExactly(big + ": cannot read: file is larger than 3 MB");
    }

    @Test
    void refusesAYamlBombOfNestedAliases() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        // Twelve levels of ten aliases each: 10^12 items if expanded, 110 aliases of collections.
        for (char c = 'b'; c <= 'l'; c++) {
            char previous = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [");
            bomb.append(String.join(", ", java.util.Collections.nCopies(10, "*" + previous)));
            bomb.append("]\n");
        }

        assertThat(errors(() -> load("bomb.yaml", bomb.toString())))
                .singleElement()
                .asString()
                .startsWith("bomb.yaml:")
                .contains("invalid YAML: Number of aliases for non-scalar nodes exceeds the specified max=100");
    }

    @Test
    void acceptsAnchorsAliasesAndMergeKeys() throws ConfigException {
        RouteConfig config = load(
                "routes.yaml",
                """
                upstreams:
                  echo: { endpoints: [{ address: "127.0.0.1:18081" }] }
                routes:
                  - &base
                    id: first
                    match: &api { host: api.example.com, path: /a/** }
                    upstream: echo
                    timeout: 2s
                  - <<: *base
                    id: second
                    match:
                      <<: *api
                      path: /b/**
                """);

        Route second = config.routes().get(1);
        assertThat(second.id()).isEqualTo("second");
        assertThat(second.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(second.match().hosts()).containsExactly("api.example.com");
        assertThat(second.match().paths()).containsExactly("/b/**");
        assertThat(second.backends()).extracting(Backend::upstream).containsExactly("echo");
    }

    @Test
    void reportsAnErrorInAnAliasedNodeOnce() {
        List<String> errors = errors(
                () -> load(
                        "routes.yaml",
                        """
                upstreams:
                  echo: { endpoints: [{ address: "127.0.0.1:18081" }] }
                routes:
                  - { id: a, upstream: echo, match: &m { pth: /x } }
                  - { id: b, upstream: echo, match: *m }
                """));

        assertThat(errors)
                .containsExactly("routes.yaml:4:42: unknown key 'pth' in route match; expected one of: host, path,"
                        + " methods, headers, query");
    }

    @Test
    void refusesTwoSourcesWithTheSameName() {
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        RouteConfigLoader.load(List.of(new RouteSource("a.yaml", ""), new RouteSource("a.yaml", ""))));
    }

    @Test
    void versionIsStableForEqualInputAndChangesWithAnyChange() throws ConfigException {
        List<RouteSource> sources = List.of(
                new RouteSource("a.yaml", "upstreams: { echo: { endpoints: [{ address: \"127.0.0.1:1\" }] } }\n"),
                new RouteSource("b.yaml", "routes: [ { id: b, upstream: echo } ]\n"));
        String version = RouteConfigLoader.load(sources).version();

        assertThat(version).matches("[0-9a-f]{12}");
        assertThat(RouteConfigLoader.load(sources).version()).isEqualTo(version);
        assertThat(RouteConfigLoader.load(List.of(sources.get(1), sources.get(0)))
                        .version())
                .as("the order the sources are given in does not matter")
                .isEqualTo(version);
        assertThat(RouteConfigLoader.load(List.of(
                                sources.get(0), new RouteSource("b.yaml", "routes: [ { id: b, upstream: echo } ]\n\n")))
                        .version())
                .as("content changed")
                .isNotEqualTo(version);
        assertThat(RouteConfigLoader.load(List.of(
                                sources.get(0),
                                new RouteSource("c.yaml", sources.get(1).text())))
                        .version())
                .as("file renamed")
                .isNotEqualTo(version);
    }

    @Test
    void versionDoesNotDependOnWhereTheDirectoryIsMounted() throws IOException, ConfigException {
        String text = "upstreams: { echo: { endpoints: [{ address: \"127.0.0.1:1\" }] } }\n";
        Path one = Files.createDirectory(dir.resolve("one"));
        Path two = Files.createDirectory(dir.resolve("two"));
        Files.writeString(one.resolve("routes.yaml"), text);
        Files.writeString(two.resolve("routes.yaml"), text);

        assertThat(RouteConfigLoader.load(one).version())
                .isEqualTo(RouteConfigLoader.load(two).version())
                .isEqualTo(RouteConfigLoader.load(List.of(new RouteSource("routes.yaml", text)))
                        .version());
    }
}
