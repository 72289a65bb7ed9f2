package io.meshgate.app.observe;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import brave.Span;
import io.meshgate.app.accesslog.AccessLog;
import io.meshgate.app.tracing.ProxyTracing;
import io.meshgate.route.UpstreamRoutingFilter;
import java.net.InetSocketAddress;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.SignalType;

/**
 * A request on the Spring Cloud Gateway path (routes with filters, and requests no route takes): read
 * from the exchange, whose attributes name the route and upstream once they are known.
 */
final class ExchangeObservedRequest extends ObservedRequest {

    private final ServerWebExchange exchange;
    private final ServerHttpRequest request;

    ExchangeObservedRequest(
            ProxyTracing tracing,
            AccessLog log,
            Span span,
            boolean replacePropagation,
            ServerWebExchange exchange,
            String identity) {
        super(
                tracing,
                log,
                span,
                replacePropagation,
                exchange.getRequest().getMethod().name(),
                null,
                identity);
        this.exchange = exchange;
        this.request = exchange.getRequest();
    }

    @Override
    int finalStatus(SignalType signal, Throwable error) {
        if (!exchange.getResponse().isCommitted()) {
            if (error instanceof ErrorResponse response) {
                // e.g. 404 when no route matches: WebFlux answers it after this filter.
                return response.getStatusCode().value();
            }
            if (signal == SignalType.ON_ERROR) {
                return 500;
            }
            if (signal == SignalType.CANCEL) {
                return 499;
            }
        }
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        return status == null ? 200 : status.value();
    }

    @Override
    Throwable reportedError(Throwable error) {
        if (error instanceof ErrorResponse response && !response.getStatusCode().is5xxServerError()) {
            return null;
        }
        return error;
    }

    @Override
    String finalResponseLength() {
        return exchange.getResponse().getHeaders().getFirst(HttpHeaders.CONTENT_LENGTH);
    }

    @Override
    String finalRoute() {
        Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
        return route == null ? null : route.getId();
    }

    @Override
    String finalUpstream() {
        return exchange.getAttribute(UpstreamRoutingFilter.UPSTREAM_ATTR);
    }

    @Override
    public String uri() {
        return request.getURI().getRawPath();
    }

    @Override
    public String requestLength() {
        return request.getHeaders().getFirst(HttpHeaders.CONTENT_LENGTH);
    }

    @Override
    public InetSocketAddress client() {
        return request.getRemoteAddress();
    }
}
