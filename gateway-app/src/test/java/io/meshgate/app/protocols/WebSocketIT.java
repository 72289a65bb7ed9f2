package io.meshgate.app.protocols;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.app.GatewayExtension;
import io.meshgate.app.certs.DevCertificateAuthority;
import io.meshgate.app.certs.LeafSpec;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.ssl.ClientAuth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * WebSocket upgrades proxied to a real WebSocket upstream (Reactor Netty) with the JDK's client, on
 * a filter-less route and on a route with filters (both handled by Spring Cloud Gateway's WebSocket
 * routing after meshgate picked the endpoint), and to a {@code tls} upstream requiring the gateway's
 * client certificate ({@code wss://}): messages flow both ways, and a close from either side reaches
 * the other with its status code.
 */
class WebSocketIT {

    /** The close statuses the upstream received, as "code reason". */
    static final BlockingQueue<String> UPSTREAM_CLOSES = new LinkedBlockingQueue<>();

    static final DisposableServer UPSTREAM = HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .route(routes -> routes.ws("/{route}/chat", WebSocketIT::chat))
            .bindNow(Duration.ofSeconds(10));

    /** The same chat over TLS, requiring a client certificate from the gateway. */
    static final Path DIR;

    static final DisposableServer TLS_UPSTREAM;

    static {
        try {
            DIR = Files.createTempDirectory("meshgate-wss-");
            DevCertificateAuthority ca = DevCertificateAuthority.create("wss test CA");
            Files.writeString(DIR.resolve("ca.pem"), ca.certificatePem());
            ca.issue(LeafSpec.server("chat.internal")).write(DIR.resolve("chat.pem"), DIR.resolve("chat-key.pem"));
            ca.issue(LeafSpec.client("meshgate-gateway", "spiffe://test/gateway"))
                    .write(DIR.resolve("client.pem"), DIR.resolve("client-key.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TLS_UPSTREAM = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .secure(spec -> spec.sslContext(Http11SslContextSpec.forServer(
                                DIR.resolve("chat.pem").toFile(),
                                DIR.resolve("chat-key.pem").toFile())
                        .configure(builder -> builder.trustManager(
                                        DIR.resolve("ca.pem").toFile())
                                .clientAuth(ClientAuth.REQUIRE))))
                .route(routes -> routes.ws("/{route}/chat", WebSocketIT::chat))
                .bindNow(Duration.ofSeconds(10));
    }

    private static Publisher<Void> chat(WebsocketInbound in, WebsocketOutbound out) {
        in.receiveCloseStatus().subscribe(status -> UPSTREAM_CLOSES.add(status.code() + " " + status.reasonText()));
        // "bye" makes the upstream close with its own status; nothing cancels the inbound,
        // which would close with no status instead.
        return out.sendString(in.aggregateFrames()
                .receive()
                .asString()
                .concatMap(text -> "bye".equals(text)
                        ? out.sendClose(4000, "upstream done").then(Mono.<String>empty())
                        : Mono.just("echo " + text)));
    }

    @RegisterExtension
    static GatewayExtension gateway = GatewayExtension.withUpstreams()
            .routes(
                    """
            upstreams:
              chat: { endpoints: [{ address: "127.0.0.1:%d" }] }
              chat-tls:
                endpoints: [{ address: "127.0.0.1:%d" }]
                tls: { ca: %s/ca.pem, cert: %3$s/client.pem, key: %3$s/client-key.pem, serverName: chat.internal }
            routes:
              - { id: direct, match: { path: /direct/** }, upstream: chat }
              - { id: filtered, match: { path: /filtered/** }, upstream: chat, filters: [ "AddRequestHeader=x-path, scg" ] }
              - { id: tls, match: { path: /tls/** }, upstream: chat-tls }
            """
                            .formatted(UPSTREAM.port(), TLS_UPSTREAM.port(), DIR));

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.disposeNow(Duration.ofSeconds(5));
        TLS_UPSTREAM.disposeNow(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "filtered", "tls", "no-gateway"})
    void messagesFlowBothWaysAndTheUpstreamsCloseReachesTheClient(String route) throws Exception {
        Session session = Session.open(route.equals("no-gateway") ? UPSTREAM.port() : gateway.port(), route);

        for (String message : new String[] {"one", "two"}) {
            session.socket.sendText(message, true).get(10, TimeUnit.SECONDS);
            assertThat(session.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("echo " + message);
        }
        session.socket.sendText("bye", true).get(10, TimeUnit.SECONDS);

        assertThat(session.closed.get(10, TimeUnit.SECONDS)).isEqualTo("4000 upstream done");
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "filtered", "no-gateway"})
    void clientsCloseReachesTheUpstream(String route) throws Exception {
        UPSTREAM_CLOSES.clear();
        Session session = Session.open(route.equals("no-gateway") ? UPSTREAM.port() : gateway.port(), route);
        session.socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
        assertThat(session.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("echo hello");

        session.socket.sendClose(WebSocketCloseStatus.NORMAL_CLOSURE.code(), "client done");

        assertThat(UPSTREAM_CLOSES.poll(10, TimeUnit.SECONDS)).isEqualTo("1000 client done");
        assertThat(session.closed.get(10, TimeUnit.SECONDS)).startsWith("1000");
    }

    /** A JDK WebSocket with the text messages it received and how it was closed. */
    private record Session(WebSocket socket, BlockingQueue<String> messages, CompletableFuture<String> closed) {

        static Session open(int port, String route) throws Exception {
            BlockingQueue<String> messages = new LinkedBlockingQueue<>();
            CompletableFuture<String> closed = new CompletableFuture<>();
            WebSocket socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/" + route + "/chat"), new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                messages.add(text.toString());
                                text.setLength(0);
                            }
                            webSocket.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                            closed.complete(statusCode + " " + reason);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket webSocket, Throwable error) {
                            closed.completeExceptionally(error);
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            return new Session(socket, messages, closed);
        }
    }
}
