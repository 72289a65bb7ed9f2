package io.meshgate.app.upstream;

import io.meshgate.route.UpstreamRoutingFilter;
import io.meshgate.transport.UpstreamClient;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.WebsocketRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.reactive.socket.client.WebSocketClient;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * Spring Cloud Gateway's WebSocket routing filter, opening the upstream WebSocket ({@code wss://})
 * through a {@code tls} upstream's own client (its CA, client certificate and server name); other
 * upstreams go through the stock client as before. It replaces the stock filter in meshgate's chains.
 */
public final class UpstreamWebsocketRoutingFilter extends WebsocketRoutingFilter {

    private final WebSocketService service;
    private final ObjectProvider<List<HttpHeadersFilter>> headersFilters;
    private final HttpClientProperties properties;
    // One filter per TLS client, made at its first upgrade; weak so replaced configurations' go.
    private final Map<UpstreamClient, WebsocketRoutingFilter> byClient =
            Collections.synchronizedMap(new WeakHashMap<>());

    public UpstreamWebsocketRoutingFilter(
            WebSocketClient client,
            WebSocketService service,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters,
            HttpClientProperties properties) {
        super(client, service, headersFilters);
        this.service = service;
        this.headersFilters = headersFilters;
        this.properties = properties;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        UpstreamClient client = exchange.getAttribute(UpstreamRoutingFilter.CLIENT_ATTR);
        if (client == null || !client.secure()) {
            return super.filter(exchange, chain);
        }
        return byClient.computeIfAbsent(client, this::filterFor).filter(exchange, chain);
    }

    private WebsocketRoutingFilter filterFor(UpstreamClient client) {
        // WebSocket upgrades are HTTP/1.1 requests, whatever the upstream's protocol for the rest.
        ReactorNettyWebSocketClient webSocketClient =
                new ReactorNettyWebSocketClient(client.httpClient().protocol(HttpProtocol.HTTP11), () -> {
                    WebsocketClientSpec.Builder builder = WebsocketClientSpec.builder()
                            .handlePing(properties.getWebsocket().isProxyPing());
                    if (properties.getWebsocket().getMaxFramePayloadLength() != null) {
                        builder.maxFramePayloadLength(properties.getWebsocket().getMaxFramePayloadLength());
                    }
                    return builder;
                });
        return new WebsocketRoutingFilter(webSocketClient, service, headersFilters);
    }
}
