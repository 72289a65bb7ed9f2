package io.meshgate.app.proxy.h1;

import java.io.IOException;

/** The upstream closed the connection before its response ended (or began). */
final class UpstreamClosedException extends IOException {

    UpstreamClosedException(boolean responded) {
        super(
                responded
                        ? "connection closed by the upstream before the response ended"
                        : "connection closed by the upstream before any response");
    }
}
