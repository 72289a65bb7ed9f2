package io.meshgate.k8s;

/**
 * Told when a Service starts or stops being watched, so per-service metrics can come and go with
 * the watches (the gateway registers its Micrometer gauges this way).
 */
public interface DiscoveryListener {

    void watchStarted(ServiceWatch watch);

    void watchStopped(ServiceWatch watch);

    DiscoveryListener NONE = new DiscoveryListener() {
        @Override
        public void watchStarted(ServiceWatch watch) {}

        @Override
        public void watchStopped(ServiceWatch watch) {}
    };
}
