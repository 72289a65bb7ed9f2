package io.meshgate.app.observe;

import java.net.InetSocketAddress;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Observes every request Spring WebFlux handles on the traffic port and the mesh listener (routes with filters, and
 * requests no route takes), first of all filters: the {@link ObservedRequest} is kept in the
 * exchange for {@link AttemptObservingFilter} and ended when the exchange is done. The direct path
 * never reaches WebFlux; the management port is left alone.
 */
final class ObservingWebFilter implements WebFilter, Ordered {

    /** Exchange attribute holding the request's {@link ObservedRequest}. */
    static final String ATTR = "meshgate.observedRequest";

    private final RequestObserver observer;
    private final Set<Integer> managementPorts;

    ObservingWebFilter(RequestObserver observer, Set<Integer> managementPorts) {
        this.observer = observer;
        this.managementPorts = managementPorts;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        InetSocketAddress local = exchange.getRequest().getLocalAddress();
        if (local == null || managementPorts.contains(local.getPort())) {
            return chain.filter(exchange);
        }
        ObservedRequest observed = observer.start(exchange);
        exchange.getAttributes().put(ATTR, observed);
        return chain.filter(exchange).doOnError(observed::failed).doFinally(observed::end);
    }
}
