package io.meshgate.app.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Iterator;

/**
 * The framing checks Netty's decoder leaves to the server (request smuggling, RFC 9112 sections 3.2
 * and 6): an HTTP/1.1 request names exactly one {@code Host}, and its {@code Transfer-Encoding}, if
 * any, is exactly one {@code chunked}. Netty 4.2's decoder rejects the rest by itself (see {@link
 * ListenerHardening}).
 */
final class RequestFraming {

    private RequestFraming() {}

    /**
     * Why the request's framing is ambiguous, or null when it is fine: a walk of the {@code Host}
     * values and one lookup of {@code Transfer-Encoding}, plus a walk of its values when present.
     */
    static String problem(HttpVersion version, HttpHeaders headers) {
        if (version == HttpVersion.HTTP_1_1 && !exactlyOne(headers, HttpHeaderNames.HOST)) {
            return "an HTTP/1.1 request needs exactly one Host header\n";
        }
        String encoding = headers.get(HttpHeaderNames.TRANSFER_ENCODING);
        if (encoding == null) {
            return null;
        }
        if (!isChunked(encoding) || !exactlyOne(headers, HttpHeaderNames.TRANSFER_ENCODING)) {
            return "Transfer-Encoding must be exactly 'chunked'\n";
        }
        return null;
    }

    /**
     * Whether the header occurs exactly once. Netty's value iterator is the one allocation of these
     * checks (a short-lived object the JIT usually scalar-replaces).
     */
    private static boolean exactlyOne(HttpHeaders headers, CharSequence name) {
        Iterator<String> values = headers.valueStringIterator(name);
        if (!values.hasNext()) {
            return false;
        }
        values.next();
        return !values.hasNext();
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
