package io.meshgate.retry;

import io.meshgate.balance.Endpoint;
import io.meshgate.balance.UpstreamPool;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * The endpoints a request has tried so far, so that each retry goes to another one: pass it to
 * {@link UpstreamPool#acquire(Predicate)}, which skips them while an untried endpoint is left. One
 * per request that retries, made at the first retry (a request that never retries allocates none).
 * Endpoints count as the same by address. Not thread-safe: the attempts of one request run one after
 * the other.
 */
public final class TriedEndpoints implements Predicate<Endpoint> {

    private String[] addresses;
    private int size;

    /** Room for {@code expected} endpoints before growing (a route's attempts). */
    public TriedEndpoints(int expected) {
        this.addresses = new String[Math.max(1, expected)];
    }

    /** Records an endpoint as tried. */
    public void add(Endpoint endpoint) {
        if (test(endpoint)) {
            return;
        }
        if (size == addresses.length) {
            addresses = Arrays.copyOf(addresses, size * 2);
        }
        addresses[size++] = endpoint.address();
    }

    /** Whether the endpoint was tried: the predicate {@code acquire} excludes by. */
    @Override
    public boolean test(Endpoint endpoint) {
        String address = endpoint.address();
        for (int i = 0; i < size; i++) {
            if (addresses[i].equals(address)) {
                return true;
            }
        }
        return false;
    }

    /** How many different endpoints were tried. */
    public int size() {
        return size;
    }

    @Override
    public String toString() {
        return "TriedEndpoints" + Arrays.toString(Arrays.copyOf(addresses, size));
    }
}
