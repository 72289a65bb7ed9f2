package io.meshgate.app.upstream;

import io.netty.channel.ChannelOption;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Settings of the HTTP client that talks to upstreams, applied once to the shared client. (Spring
 * Cloud Gateway's own {@code httpclient.connect-timeout} property is also re-applied per request,
 * copying the client's configuration each time; this customizer avoids that cost.)
 */
@Configuration(proxyBeanMethods = false)
public class UpstreamClientConfiguration {

    @Bean
    HttpClientCustomizer upstreamConnectTimeout(
            @Value("${meshgate.upstream.connect-timeout:5s}") Duration connectTimeout) {
        return client -> client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
    }
}
