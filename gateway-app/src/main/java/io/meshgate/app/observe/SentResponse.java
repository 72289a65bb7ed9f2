package io.meshgate.app.observe;

/**
 * What a request path that writes its own responses knows of the one it sent, read when the
 * request ends (access log, server span). The HTTP/1.1 pass-through implements it; Reactor Netty's
 * response answers the same for the other paths.
 */
public interface SentResponse {

    /** Whether the response's status line and headers went out. */
    boolean headSent();

    /** The status sent, when {@link #headSent()}. */
    int status();

    /** The {@code Content-Length} sent, or null (none, or a streamed body). */
    String contentLength();
}
