package io.meshgate.app.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The framing checks Netty's decoder leaves to the server (request smuggling, RFC 9112 section 6):
 * a request's {@code Transfer-Encoding}, if any, must be exactly one {@code chunked}. Netty's decoder,
 * built by {@link ListenerHardening} with RFC 9112 transfer-encoding handling, already rejects a
 * {@code Content-Length} beside a {@code Transfer-Encoding}, differing or repeated {@code
 * Content-Length}s, {@code chunked} not last, a space before a colon and bad chunk sizes.
 */
final class RequestFraming {

    private RequestFraming() {}

    /**
     * Why the request's framing is ambiguous, or null when it is fine. Without a {@code
     * Transfer-Encoding} (most requests) this is one hash lookup.
     */
    static String problem(HttpHeaders headers) {
        String encoding = headers.get(HttpHeaderNames.TRANSFER_ENCODING);
        if (encoding == null) {
            return null;
        }
        if (!isChunked(encoding)
                || headers.getAll(HttpHeaderNames.TRANSFER_ENCODING).size() != 1) {
            return "Transfer-Encoding must be exactly 'chunked'\n";
        }
        return null;
    }

    private static boolean isChunked(String encoding) {
        String chunked = HttpHeaderValues.CHUNKED.toString();
        int start = 0;
        int end = encoding.length();
        while (start < end && isSpace(encoding.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(encoding.charAt(end - 1))) {
            end--;
        }
        return end - start == chunked.length() && encoding.regionMatches(true, start, chunked, 0, chunked.length());
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
