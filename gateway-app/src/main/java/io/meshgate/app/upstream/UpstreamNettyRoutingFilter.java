package io.meshgate.app.upstream;

import io.meshgate.route.UpstreamRoutingFilter;
import io.meshgate.transport.UpstreamClient;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.http.client.HttpClient;

/**
 * Spring Cloud Gateway's routing filter, sending an attempt through the chosen upstream's own client
 * (TLS, h2c, h2) when {@link UpstreamRoutingFilter} put one on the exchange; plain upstreams go
 * through the shared client as before. It replaces the stock filter in meshgate's filter chains.
 */
public final class UpstreamNettyRoutingFilter extends NettyRoutingFilter {

    public UpstreamNettyRoutingFilter(
            HttpClient httpClient,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters,
            HttpClientProperties properties) {
        super(httpClient, headersFilters, properties);
    }

    @Override
    protected HttpClient getHttpClient(Route route, ServerWebExchange exchange) {
        UpstreamClient client = exchange.getAttribute(UpstreamRoutingFilter.CLIENT_ATTR);
        return client != null ? client.httpClient() : super.getHttpClient(route, exchange);
    }
}
