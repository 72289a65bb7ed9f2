package io.meshgate.app.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw HTTP/1.1 client on a plain socket: sends exactly the bytes a test gives (malformed ones
 * included) and reads what comes back, noting whether the server closed the connection.
 */
final class RawHttp implements AutoCloseable {

    /** What came back: the bytes read, and whether the server closed the connection after them. */
    record Answer(String text, boolean closed) {

        /** The body of the response (after its head). */
        String body() {
            int headEnd = text.indexOf("\r\n\r\n");
            return headEnd < 0 ? "" : text.substring(headEnd + 4);
        }

        /** The status code of the first response, or -1 without one. */
        int status() {
            if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
                return -1;
            }
            return Integer.parseInt(text.substring(9, 12));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(int port) throws IOException {
        this(port, "127.0.0.1");
    }

    /** A connection from a given loopback address (such as 127.0.0.2), to tell peers apart. */
    RawHttp(int port, String from) throws IOException {
        socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Reads one response: its head and, by its {@code Content-Length}, its body; then waits up to
     * {@code closeWait} for the server to close the connection. Gives up after {@code limit}.
     */
    Answer read(Duration closeWait, Duration limit) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + limit.toNanos();
        byte[] buffer = new byte[8192];
        while (System.nanoTime() < deadline && !complete(received.toString(StandardCharsets.ISO_8859_1))) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                break;
            } catch (IOException reset) {
                return new Answer(received.toString(StandardCharsets.ISO_8859_1), true);
            }
            if (n < 0) {
                return new Answer(received.toString(StandardCharsets.ISO_8859_1), true);
            }
            received.write(buffer, 0, n);
        }
        return new Answer(received.toString(StandardCharsets.ISO_8859_1), isClosedByServer(closeWait));
    }

    private static boolean complete(String text) {
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            return false;
        }
        String head = text.substring(0, headEnd).toLowerCase(java.util.Locale.ROOT);
        int at = head.indexOf("\r\ncontent-length:");
        if (at < 0) {
            return true; // the tests' answers all carry a length; without one the head is enough
        }
        int end = head.indexOf("\r\n", at + 2);
        String length = head.substring(at + 17, end < 0 ? head.length() : end).strip();
        return text.length() - headEnd - 4 >= Integer.parseInt(length);
    }

    /** A plain GET on this connection and its answer (the connection stays open). */
    Answer get(String path) throws IOException {
        send("GET " + path + " HTTP/1.1\r\nHost: gateway\r\n\r\n");
        return read(Duration.ZERO, Duration.ofSeconds(10));
    }

    boolean isClosedByServer(Duration within) throws IOException {
        if (within.isZero()) {
            return false;
        }
        socket.setSoTimeout((int) within.toMillis());
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
