package io.meshgate.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;

/**
 * Waits for the first proxied request to succeed: polls a target's URL every 10 ms with a real
 * request until it answers 200, which is how long a freshly started proxy takes to be useful (not
 * just to open its port or report healthy).
 */
final class FirstRequest {

    private final HttpClient client;

    FirstRequest(SSLContext tls) {
        HttpClient.Builder builder =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1));
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.client = builder.build();
    }

    /**
     * Returns the nanoTime at which {@code url} first answered 200 with a body.
     *
     * @param alive false once the process has died: stop waiting
     * @throws IOException if it did not answer 200 within {@code timeout} or the process died
     */
    long await(String url, Duration timeout, BooleanSupplier alive) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!alive.getAsBoolean()) {
                throw new IOException("the process exited before " + url + " answered (" + last + ")");
            }
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && !response.body().isEmpty()) {
                    return System.nanoTime();
                }
                last = "status " + response.statusCode();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(10);
        }
        throw new IOException(url + " did not answer 200 within " + timeout.toSeconds() + " s (last: " + last + ")");
    }

    /** The body of one GET, for sanity checks such as which backend answered. */
    String body(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }
}
