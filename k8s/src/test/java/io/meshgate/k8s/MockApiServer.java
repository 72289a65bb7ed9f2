package io.meshgate.k8s;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.MockServerExpectation;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The fabric8 {@code KubernetesMockServer} as the API server of a test: CRUD mode (objects written
 * through {@link #client()} are listed and watched like on a real API server) plus expectations that
 * take precedence (a 403 for a list, for example). It keeps its port and its objects across {@link
 * #stop()} and {@link #start()}, so a test can take the API server away and bring it back.
 */
public final class MockApiServer implements AutoCloseable {

    private final Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    private final KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(responses);
    private final List<Intercept> intercepts = new CopyOnWriteArrayList<>();
    private final Dispatcher dispatcher = new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            for (Intercept intercept : intercepts) {
                if (intercept.when().test(request)) {
                    return intercept.response().apply(request);
                }
            }
            return crud.dispatch(request);
        }
    };
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final int port;
    private KubernetesMockServer server;
    private KubernetesClient client;

    public MockApiServer() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            this.port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts (or starts again) on the same port, with the objects it had. */
    public synchronized MockApiServer start() {
        if (server == null) {
            server = new KubernetesMockServer(
                    new Context(Serialization.jsonMapper()), new MockWebServer(), responses, dispatcher, false);
            server.start(InetAddress.getLoopbackAddress(), port);
        }
        return this;
    }

    /** Stops the server: open watches break and connections are refused until {@link #start()}. */
    public synchronized void stop() {
        if (server != null) {
            drainRequests();
            server.shutdown();
            server = null;
        }
    }

    public boolean running() {
        return server != null;
    }

    /** {@code http://127.0.0.1:port}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Expectations answered before the CRUD store (matched by exact path and query). */
    public synchronized MockServerExpectation expect() {
        return server.expect();
    }

    /** Answers requests that match with the response instead of the store, until {@link #clearIntercepts()}. */
    public void intercept(Predicate<RecordedRequest> when, Function<RecordedRequest, MockResponse> response) {
        intercepts.add(new Intercept(when, response));
    }

    public void clearIntercepts() {
        intercepts.clear();
    }

    /**
     * Answers every list and watch of a resource in a namespace with 403 Forbidden and the message a
     * real API server gives a service account without that permission.
     */
    public void forbid(String apiGroup, String resource, String namespace) {
        String prefix = (apiGroup.isEmpty() ? "/api/v1" : "/apis/" + apiGroup + "/v1") + "/namespaces/" + namespace
                + "/" + resource;
        intercept(request -> request.getPath().startsWith(prefix), request -> {
            String verb = request.getPath().contains("watch=true") ? "watch" : "list";
            Status status = new StatusBuilder()
                    .withStatus("Failure")
                    .withReason("Forbidden")
                    .withCode(403)
                    .withMessage(resource + (apiGroup.isEmpty() ? "" : "." + apiGroup)
                            + " is forbidden: User \"system:serviceaccount:meshgate:meshgate\" cannot " + verb
                            + " resource \"" + resource + "\" in API group \"" + apiGroup + "\" in the namespace \""
                            + namespace + "\"")
                    .withNewDetails()
                    .withGroup(apiGroup)
                    .withKind(resource)
                    .endDetails()
                    .build();
            return new MockResponse().setResponseCode(403).setBody(Serialization.asJson(status));
        });
    }

    /** Removes every expectation (the CRUD store keeps its objects). */
    public synchronized void clearExpectations() {
        responses.clear();
        if (server != null) {
            server.onStart();
        }
    }

    /** The client configuration discovery uses against this server. */
    public Config config(String namespace) {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withNamespace(namespace)
                .withTrustCerts(true)
                .withRequestRetryBackoffLimit(0)
                .build();
    }

    /** A client of this server for the test to write objects with; it survives restarts. */
    public synchronized KubernetesClient client() {
        if (client == null) {
            client = new KubernetesClientBuilder().withConfig(config("default")).build();
        }
        return client;
    }

    /** Creates or replaces an EndpointSlice (one request when it exists: as the controller's update). */
    public void apply(EndpointSlice slice) {
        if (client().resource(slice).get() == null) {
            client().resource(slice).create();
        } else {
            client().resource(slice).update();
        }
    }

    public void delete(EndpointSlice slice) {
        client().resource(slice).delete();
    }

    /** Every request received so far (since the last call), in order. */
    public synchronized List<RecordedRequest> takeRequests() {
        drainRequests();
        List<RecordedRequest> taken = List.copyOf(requests);
        requests.clear();
        return taken;
    }

    private void drainRequests() {
        if (server == null) {
            return;
        }
        try {
            RecordedRequest request;
            while ((request = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
                requests.add(request);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Intercept(Predicate<RecordedRequest> when, Function<RecordedRequest, MockResponse> response) {}

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
        stop();
    }
}
