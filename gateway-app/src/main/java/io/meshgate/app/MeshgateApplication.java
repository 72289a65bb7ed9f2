package io.meshgate.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The meshgate gateway: Spring Cloud Gateway driven by meshgate route files. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class MeshgateApplication {

    public static void main(String[] args) {
        useOneEventLoopPerCore();
        SpringApplication.run(MeshgateApplication.class, args);
    }

    /**
     * Reactor Netty starts at least four event loops, even on one core: with a one-core container
     * limit the extra threads only add context switches. One loop per available core (which the JVM
     * derives from the container's CPU limit) unless {@code reactor.netty.ioWorkerCount} is set.
     */
    static void useOneEventLoopPerCore() {
        if (System.getProperty("reactor.netty.ioWorkerCount") == null) {
            System.setProperty(
                    "reactor.netty.ioWorkerCount",
                    String.valueOf(Math.max(1, Runtime.getRuntime().availableProcessors())));
        }
    }
}
