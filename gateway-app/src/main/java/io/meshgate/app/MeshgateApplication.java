package io.meshgate.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The meshgate gateway: Spring Cloud Gateway driven by meshgate route files. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class MeshgateApplication {

    public static void main(String[] args) {
        SpringApplication.run(MeshgateApplication.class, args);
    }
}
