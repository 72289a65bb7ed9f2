package io.meshgate.app.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * Removes the headers that describe one connection, not the message (RFC 9110 section 7.6.1), so
 * they are not forwarded across the proxy: the fixed list and any named in {@code Connection}, except
 * that {@code TE: trailers} is kept (gRPC needs it upstream). A {@code Connection} option never removes
 * the headers that frame or address the message ({@code Content-Length}, {@code Transfer-Encoding},
 * {@code Host}): a client must not be able to strip those from what the upstream sees.
 *
 * <p>No allocation unless {@code Connection} names headers other than {@code close}, {@code
 * keep-alive} and {@code upgrade} (then one string per named header).
 */
public final class HopByHopHeaders {

    private static final AsciiString[] FIXED = {
        HttpHeaderNames.CONNECTION,
        HttpHeaderNames.KEEP_ALIVE,
        HttpHeaderNames.PROXY_AUTHENTICATE,
        HttpHeaderNames.PROXY_AUTHORIZATION,
        HttpHeaderNames.TE,
        HttpHeaderNames.TRAILER,
        HttpHeaderNames.TRANSFER_ENCODING,
        HttpHeaderNames.UPGRADE,
        AsciiString.cached("proxy-connection")
    };

    private static final AsciiString[] NEVER_BY_CONNECTION = {
        HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.HOST
    };

    private HopByHopHeaders() {}

    public static void remove(HttpHeaders headers) {
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        if (connection != null) {
            removeOptions(headers, connection);
        }
        String te = headers.get(HttpHeaderNames.TE);
        for (AsciiString name : FIXED) {
            headers.remove(name);
        }
        if (te != null && hasToken(te, HttpHeaderValues.TRAILERS)) {
            headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
        }
    }

    private static void removeOptions(HttpHeaders headers, String connection) {
        int length = connection.length();
        int start = 0;
        while (start < length) {
            int end = connection.indexOf(',', start);
            if (end < 0) {
                end = length;
            }
            int from = start;
            int to = end;
            while (from < to && isSpace(connection.charAt(from))) {
                from++;
            }
            while (to > from && isSpace(connection.charAt(to - 1))) {
                to--;
            }
            if (to > from && !isKnown(connection, from, to)) {
                String name = connection.substring(from, to);
                if (!neverByConnection(name)) {
                    headers.remove(name);
                }
            }
            start = end + 1;
        }
    }

    /** The options the fixed list covers anyway ({@code close} names no header). */
    private static boolean isKnown(String value, int from, int to) {
        return is(value, from, to, HttpHeaderValues.CLOSE)
                || is(value, from, to, HttpHeaderValues.KEEP_ALIVE)
                || is(value, from, to, HttpHeaderValues.UPGRADE);
    }

    private static boolean is(String value, int from, int to, AsciiString token) {
        return to - from == token.length() && token.regionMatches(true, 0, value, from, to - from);
    }

    private static boolean neverByConnection(String name) {
        for (AsciiString protectedName : NEVER_BY_CONNECTION) {
            if (protectedName.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a comma-separated header value lists the token (case-insensitive; parameters after ';' ignored). */
    public static boolean hasToken(String value, AsciiString token) {
        int length = value.length();
        int start = 0;
        while (start < length) {
            int end = value.indexOf(',', start);
            if (end < 0) {
                end = length;
            }
            int from = start;
            int to = end;
            while (from < to && isSpace(value.charAt(from))) {
                from++;
            }
            while (to > from && isSpace(value.charAt(to - 1))) {
                to--;
            }
            int semicolon = value.indexOf(';', from);
            if (semicolon >= 0 && semicolon < to) {
                to = semicolon;
                while (to > from && isSpace(value.charAt(to - 1))) {
                    to--;
                }
            }
            if (is(value, from, to, token)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
