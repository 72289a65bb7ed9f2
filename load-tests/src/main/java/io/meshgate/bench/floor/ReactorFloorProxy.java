package io.meshgate.bench.floor;

import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/**
 * The least an HTTP proxy on Reactor Netty can do, as a reference target ({@code reactor}): Reactor
 * Netty's server hands each request to its pooled client, which sends it to the one upstream with
 * the request's path and headers and streams the answer back. No routing, balancing, retries,
 * timeouts, header rewriting, metrics or logs: against {@code netty} it is what Reactor Netty's
 * per-request machinery costs; against {@code meshgate}, what meshgate's features and Spring's
 * adapter cost on top.
 *
 * <p>Started by the stock-SCG jar's main class when {@code -Dreactor-proxy.port} is set.
 */
public final class ReactorFloorProxy {

    private ReactorFloorProxy() {}

    public static void run(int port, String upstreamHost, int upstreamPort) {
        // One event loop per core, as meshgate runs (Reactor Netty's default is at least four).
        System.setProperty(
                "reactor.netty.ioWorkerCount",
                String.valueOf(Runtime.getRuntime().availableProcessors()));
        HttpClient client = HttpClient.create(ConnectionProvider.builder("reactor-floor")
                        .maxConnections(1024)
                        .build())
                .remoteAddress(() -> new java.net.InetSocketAddress(upstreamHost, upstreamPort));
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .handle((request, response) -> client.headers(headers -> headers.set(request.requestHeaders()))
                        .request(request.method())
                        .uri(request.uri())
                        .send(request.receive().retain())
                        .response((upstream, body) -> response.status(upstream.status())
                                .headers(upstream.responseHeaders())
                                .send(body.retain()))
                        .then())
                .bindNow();
        System.out.println("reactor floor proxy on 127.0.0.1:" + port + " to " + upstreamHost + ":" + upstreamPort);
        server.onDispose().block();
    }
}
