package io.meshgate.app.routing;

import java.net.InetSocketAddress;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * What the request path needs to know of the mesh listener: its port, by which a request is told to
 * have arrived on it (one int compare, so the public listener's requests pay nothing more), and the
 * header its verified client identity travels in. The port is -1 (no request matches it) until the
 * mesh listener is bound, and stays so when there is none.
 */
public final class MeshListener {

    private volatile int port = -1;
    private volatile String identityHeader = "x-meshgate-client-identity";

    /** The mesh listener's bound port, or -1. */
    public int port() {
        return port;
    }

    /** Called by the mesh listener once bound. */
    public void bound(int port, String identityHeader) {
        this.identityHeader = identityHeader;
        this.port = port;
    }

    public String identityHeader() {
        return identityHeader;
    }

    /** Whether the request arrived on the mesh listener. */
    public boolean received(ServerHttpRequest request) {
        InetSocketAddress local = request.getLocalAddress();
        return local != null && local.getPort() == port;
    }
}
