package io.meshgate.app.protocols;

import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLPeerUnverifiedException;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

/**
 * A real upstream for the protocol tests: a Reactor Netty server on 127.0.0.1 that answers every
 * request with one line saying what it saw ({@code protocol=HTTP/2.0 client=CN=... path=/x}), so a
 * test can assert the HTTP version and TLS client identity that reached the upstream.
 */
final class TestUpstream implements AutoCloseable {

    private final DisposableServer server;

    private TestUpstream(DisposableServer server) {
        this.server = server;
    }

    /** Starts the upstream; {@code configure} sets its protocols and TLS. */
    static TestUpstream start(UnaryOperator<HttpServer> configure) {
        HttpServer server = HttpServer.create().host("127.0.0.1").port(0);
        return new TestUpstream(configure
                .apply(server)
                .handle((request, response) -> request.receive()
                        .aggregate()
                        .asString()
                        .defaultIfEmpty("")
                        .flatMap(body -> response.header("content-type", "text/plain")
                                .sendString(Mono.just(describe(request, body)))
                                .then()))
                .bindNow(Duration.ofSeconds(10)));
    }

    static String describe(HttpServerRequest request, String body) {
        String[] client = {"none"};
        request.withConnection(connection -> client[0] = clientIdentity(connection));
        return "protocol=" + request.protocol() + " client=" + client[0] + " path=" + request.uri() + " body="
                + body.length() + "\n";
    }

    private static String clientIdentity(Connection connection) {
        var channel = connection.channel();
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null && channel.parent() != null) {
            ssl = channel.parent().pipeline().get(SslHandler.class);
        }
        if (ssl == null) {
            return "none";
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return ((X509Certificate) chain[0]).getSubjectX500Principal().getName();
        } catch (SSLPeerUnverifiedException e) {
            return "none";
        }
    }

    String address() {
        return "127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
