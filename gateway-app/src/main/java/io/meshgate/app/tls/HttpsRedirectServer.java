package io.meshgate.app.tls;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A plain HTTP listener that answers every request with {@code 308 Permanent Redirect} to the same
 * host and path over HTTPS ({@code meshgate.tls.redirect.port}). 308 rather than 301 so a POST
 * stays a POST. It proxies nothing; it shares the traffic server's event loops.
 */
final class HttpsRedirectServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HttpsRedirectServer.class);

    private final String address;
    private final int port;
    private final int httpsPort;
    private final UnaryOperator<HttpServer> hardening;
    private volatile DisposableServer server;

    /**
     * @param address the address to bind (the traffic port's {@code server.address}, or all)
     * @param port the plain HTTP port
     * @param httpsPort the port in the redirect's URL (443 leaves it out)
     */
    HttpsRedirectServer(String address, int port, int httpsPort) {
        this(address, port, httpsPort, UnaryOperator.identity());
    }

    /**
     * @param hardening applied to the server before it binds: the traffic listener's limits and
     *     timeouts ({@code io.meshgate.app.edge.ListenerHardening})
     */
    HttpsRedirectServer(String address, int port, int httpsPort, UnaryOperator<HttpServer> hardening) {
        this.address = address;
        this.port = port;
        this.httpsPort = httpsPort;
        this.hardening = hardening;
    }

    @Override
    public void start() {
        server = hardening
                .apply(HttpServer.create())
                .host(address)
                .port(port)
                .handle(this::redirect)
                .bindNow(Duration.ofSeconds(10));
        log.info("Redirecting plain HTTP on {}:{} to HTTPS port {}", address, server.port(), httpsPort);
    }

    @Override
    public void stop() {
        DisposableServer running = server;
        if (running != null) {
            running.disposeNow(Duration.ofSeconds(5));
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The bound port (the configured one, or the one chosen for port 0). */
    int port() {
        return server.port();
    }

    private Mono<Void> redirect(HttpServerRequest request, HttpServerResponse response) {
        String host = request.requestHeaders().get(HttpHeaderNames.HOST);
        if (host == null || host.isBlank()) {
            return response.status(HttpResponseStatus.BAD_REQUEST)
                    .sendString(Mono.just("a Host header is needed to redirect to HTTPS\n"))
                    .then();
        }
        return response.status(HttpResponseStatus.PERMANENT_REDIRECT)
                .header(HttpHeaderNames.LOCATION, location(host, request.uri()))
                .header(HttpHeaderNames.CONTENT_LENGTH, "0")
                .send();
    }

    /** {@code https://host[:httpsPort]uri}, the Host header's own port replaced. */
    String location(String host, String uri) {
        String name = host;
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            name = end > 0 ? name.substring(0, end + 1) : name;
        } else {
            int colon = name.lastIndexOf(':');
            name = colon >= 0 ? name.substring(0, colon) : name;
        }
        return "https://" + name + (httpsPort == 443 ? "" : ":" + httpsPort) + uri;
    }
}
