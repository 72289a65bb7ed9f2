package io.meshgate.app.quickstart;

import io.meshgate.app.MeshgateProperties;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/** The quickstart's two demo upstreams, {@code echo-v1} and {@code echo-v2}, on loopback. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("meshgate.quickstart.enabled")
public class QuickstartConfiguration {

    private static final Logger log = LoggerFactory.getLogger(QuickstartConfiguration.class);

    @Bean
    DemoUpstreams demoUpstreams(MeshgateProperties properties) {
        MeshgateProperties.Quickstart quickstart = properties.quickstart();
        return new DemoUpstreams(List.of(
                EchoServer.start("echo-v1", "127.0.0.1", quickstart.v1Port()),
                EchoServer.start("echo-v2", "127.0.0.1", quickstart.v2Port())));
    }

    @EventListener(ApplicationReadyEvent.class)
    void sayHowToTry(ApplicationReadyEvent event) {
        Environment env = event.getApplicationContext().getEnvironment();
        String port = env.getProperty("local.server.port", "8080");
        log.info(
                "Quickstart ready. Try: curl -s localhost:{}/echo/hello (80% echo-v1, 20% echo-v2), "
                        + "curl -s localhost:{}/v2/hello, and the admin view: curl -s 127.0.0.1:{}/actuator/meshgate",
                port, port, env.getProperty("local.management.port", "9901"));
    }

    /** The running demo upstreams; closed with the application. */
    public record DemoUpstreams(List<EchoServer> servers) implements DisposableBean {

        @Override
        public void destroy() {
            servers.forEach(EchoServer::close);
        }
    }
}
