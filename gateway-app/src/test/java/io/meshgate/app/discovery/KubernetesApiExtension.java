package io.meshgate.app.discovery;

import io.meshgate.app.GatewayExtension;
import io.meshgate.app.quickstart.EchoServer;
import io.meshgate.k8s.MockApiServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A mock Kubernetes API server and "pods" for a test class: the API server is the fabric8 {@link
 * MockApiServer} (CRUD), the pods are echo servers that share one port on their own loopback
 * addresses (127.0.0.x), as pods share a container port on their own IPs. Register it before the
 * {@link GatewayExtension} and let it {@link #configure} the gateway to use the mock as its cluster:
 *
 * <pre>{@code
 * @RegisterExtension @Order(1)
 * static final KubernetesApiExtension cluster = new KubernetesApiExtension();
 * @RegisterExtension @Order(2)
 * static final GatewayExtension gateway = cluster.configure(GatewayExtension.withUpstreams().routes(...));
 * }</pre>
 *
 * The API server's port is chosen when the extension is built, so the gateway's arguments can name it
 * before either starts.
 */
public final class KubernetesApiExtension implements BeforeAllCallback, AfterAllCallback {

    private final MockApiServer api = new MockApiServer();
    private final Map<String, EchoServer> pods = new LinkedHashMap<>();
    private final int podPort = freePort();

    /** Points the gateway at the mock API server and exposes the discovery admin view. */
    public GatewayExtension configure(GatewayExtension gateway) {
        List.of(
                        "--spring.main.cloud-platform=kubernetes",
                        "--spring.cloud.kubernetes.client.master-url=" + api.url(),
                        "--spring.cloud.kubernetes.client.namespace=default",
                        "--spring.cloud.kubernetes.client.trust-certs=true",
                        "--management.endpoints.web.exposure.include=health,prometheus,meshgate,meshgatediscovery",
                        "--meshgate.kubernetes.check-interval=100ms")
                .forEach(gateway::arg);
        return gateway;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        api.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        pods.values().forEach(EchoServer::close);
        api.close();
    }

    public MockApiServer api() {
        return api;
    }

    /** Starts a pod: an echo server named {@code name} on {@code ip} and the port all pods share. */
    public synchronized EchoServer startPod(String name, String ip) {
        EchoServer pod = EchoServer.start(name, ip, podPort);
        pods.put(name, pod);
        return pod;
    }

    /** Stops a pod (its process exits). */
    public synchronized void stopPod(String name) {
        EchoServer pod = pods.remove(name);
        if (pod != null) {
            pod.close();
        }
    }

    /** The container port every pod listens on. */
    public int podPort() {
        return podPort;
    }

    private static int freePort() {
        // Free on 127.0.0.1 is a good guess for the other loopback addresses of this host.
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
