package io.meshgate.app.observe;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes the current attempt's trace context into the headers Spring Cloud Gateway's HTTP client
 * sends upstream. Runs last among the request header filters, after the hop-by-hop filter has
 * made the writable copy the client sends.
 */
final class TraceHeadersFilter implements HttpHeadersFilter, Ordered {

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        ObservedAttempt attempt = exchange.getAttribute(ObservedAttempt.ATTR);
        if (attempt == null || !attempt.propagates()) {
            return input;
        }
        try {
            attempt.inject(input);
            return input;
        } catch (UnsupportedOperationException readOnly) {
            // Only when the filter that copies the request's (read-only) headers is switched off.
            HttpHeaders copy = HttpHeaders.copyOf(input);
            attempt.inject(copy);
            return copy;
        }
    }
}
