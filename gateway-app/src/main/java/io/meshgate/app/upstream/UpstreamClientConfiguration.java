package io.meshgate.app.upstream;

import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.socket.client.WebSocketClient;
import org.springframework.web.reactive.socket.server.WebSocketService;
import reactor.netty.http.client.HttpClient;

/**
 * Settings of the HTTP client that talks to upstreams, applied once to the shared client. (Spring
 * Cloud Gateway's own {@code httpclient.connect-timeout} property is also re-applied per request,
 * copying the client's configuration each time; this customizer avoids that cost.) Upstreams that
 * speak TLS, h2c or h2 get clients of their own, derived from this one ({@link UpstreamClients}).
 */
@Configuration(proxyBeanMethods = false)
public class UpstreamClientConfiguration {

    /** Routes each attempt of the Spring Cloud Gateway path through its upstream's client. */
    @Bean
    UpstreamNettyRoutingFilter upstreamNettyRoutingFilter(
            HttpClient gatewayHttpClient,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters,
            HttpClientProperties properties) {
        return new UpstreamNettyRoutingFilter(gatewayHttpClient, headersFilters, properties);
    }

    /** Opens each upstream WebSocket of a {@code tls} upstream through the upstream's client. */
    @Bean
    UpstreamWebsocketRoutingFilter upstreamWebsocketRoutingFilter(
            WebSocketClient webSocketClient,
            WebSocketService webSocketService,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters,
            HttpClientProperties properties) {
        return new UpstreamWebsocketRoutingFilter(webSocketClient, webSocketService, headersFilters, properties);
    }

    @Bean
    HttpClientCustomizer upstreamConnectTimeout(
            @Value("${meshgate.upstream.connect-timeout:5s}") Duration connectTimeout) {
        return client -> client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
    }
}
