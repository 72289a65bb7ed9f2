package io.meshgate.app;

import io.meshgate.app.certs.CertsCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The meshgate gateway: Spring Cloud Gateway driven by meshgate route files. With {@code certs} as
 * the first argument it runs the {@link CertsCommand} instead.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class MeshgateApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(CertsCommand.NAME)) {
            // A command, not the gateway: no Spring, no listeners.
            System.exit(CertsCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        }
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
