package io.meshgate.bench.scg;

import io.meshgate.bench.floor.NettyFloorProxy;
import io.meshgate.bench.floor.ReactorFloorProxy;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Stock Spring Cloud Gateway, the peer our users would otherwise pick: a Spring Boot application with
 * {@code spring-cloud-starter-gateway-server-webflux} and nothing else, its one static route given on
 * the command line ({@code --spring.cloud.gateway.server.webflux.routes[0]...}) by the harness.
 * Packaged as {@code load-tests/target/meshgate-bench-stock-scg.jar}, which also carries the reference
 * targets {@link NettyFloorProxy} and {@link ReactorFloorProxy} (started instead when {@code
 * -Dnetty-proxy.port} or {@code -Dreactor-proxy.port} is set).
 */
@SpringBootApplication
public class StockGatewayApplication {

    public static void main(String[] args) throws InterruptedException {
        String floorPort = System.getProperty("netty-proxy.port");
        if (floorPort != null) {
            String[] upstream =
                    System.getProperty("netty-proxy.upstream", "127.0.0.1:80").split(":");
            NettyFloorProxy.run(Integer.parseInt(floorPort), upstream[0], Integer.parseInt(upstream[1]));
            return;
        }
        String reactorPort = System.getProperty("reactor-proxy.port");
        if (reactorPort != null) {
            String[] upstream =
                    System.getProperty("reactor-proxy.upstream", "127.0.0.1:80").split(":");
            ReactorFloorProxy.run(Integer.parseInt(reactorPort), upstream[0], Integer.parseInt(upstream[1]));
            return;
        }
        SpringApplication.run(StockGatewayApplication.class, args);
    }
}
