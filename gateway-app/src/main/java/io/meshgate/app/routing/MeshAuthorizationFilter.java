package io.meshgate.app.routing;

import io.meshgate.authz.MeshAuthorizer;
import java.nio.charset.StandardCharsets;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The mesh listener's authorization on the Spring Cloud Gateway path: first of a mesh route's filters
 * (after the route metrics, so a denial is measured as a 403), it answers 403 with the reason unless
 * the route's {@link MeshAuthorizer} allows the request's verified identity. Requests of the public
 * listener (a route on both) pass unchecked. The direct path checks the same authorizer in {@code
 * DirectProxyHandler}.
 */
final class MeshAuthorizationFilter implements GatewayFilter, Ordered {

    private final MeshAuthorizer authorizer;
    private final MeshListener mesh;

    MeshAuthorizationFilter(MeshAuthorizer authorizer, MeshListener mesh) {
        this.authorizer = authorizer;
        this.mesh = mesh;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 200;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (!mesh.received(exchange.getRequest())) {
            return chain.filter(exchange);
        }
        String identity = exchange.getRequest().getHeaders().getFirst(mesh.identityHeader());
        if (authorizer.allows(identity)) {
            return chain.filter(exchange);
        }
        byte[] body = authorizer.deny(identity).getBytes(StandardCharsets.UTF_8);
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.FORBIDDEN);
        response.getHeaders().setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
