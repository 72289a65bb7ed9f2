package io.meshgate.bench.scg;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Stock Spring Cloud Gateway, the peer our users would otherwise pick: a Spring Boot application with
 * {@code spring-cloud-starter-gateway-server-webflux} and nothing else, its one static route given on
 * the command line ({@code --spring.cloud.gateway.server.webflux.routes[0]...}) by the harness.
 * Packaged as {@code load-tests/target/meshgate-bench-stock-scg.jar}.
 */
@SpringBootApplication
public class StockGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(StockGatewayApplication.class, args);
    }
}
