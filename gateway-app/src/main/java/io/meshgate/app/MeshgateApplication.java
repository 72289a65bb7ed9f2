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
        skipBufferLeakSampling();
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

    /**
     * Netty's buffer leak detector samples one buffer in 128 and records a stack trace for it: 1.3 %
     * of the proxy's CPU in a profile at 64 connections (load-tests/RESULTS.md). It is a debugging
     * aid; {@code -Dio.netty.leakDetection.level=simple} (or {@code paranoid}) turns it back on.
     */
    static void skipBufferLeakSampling() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
    }
}
