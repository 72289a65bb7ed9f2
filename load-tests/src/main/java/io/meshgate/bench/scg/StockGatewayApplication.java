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
        if (runIfAsked("netty-proxy", NettyFloorProxy::run) || runIfAsked("reactor-proxy", ReactorFloorProxy::run)) {
            return;
        }
        SpringApplication.run(StockGatewayApplication.class, args);
    }

    /** Runs a reference proxy when {@code -D<name>.port} is set ({@code -D<name>.upstream=host:port}). */
    private static boolean runIfAsked(String name, ReferenceProxy proxy) throws InterruptedException {
        String port = System.getProperty(name + ".port");
        if (port == null) {
            return false;
        }
        String[] upstream =
                System.getProperty(name + ".upstream", "127.0.0.1:80").split(":");
        proxy.run(Integer.parseInt(port), upstream[0], Integer.parseInt(upstream[1]));
        return true;
    }

    @FunctionalInterface
    private interface ReferenceProxy {
        void run(int port, String upstreamHost, int upstreamPort) throws InterruptedException;
    }
}
