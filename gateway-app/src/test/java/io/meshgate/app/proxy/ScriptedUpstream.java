package io.meshgate.app.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on a plain socket whose answers a test writes byte by byte, for what a well-behaved
 * server never does: close a kept-alive connection as a request arrives, answer close-delimited,
 * stop half-way. Each request head (no bodies) goes to the {@link Script} with its connection's
 * number and its own number on that connection.
 */
final class ScriptedUpstream implements AutoCloseable {

    /** Answers one request; returns false to close the connection. */
    interface Script {
        boolean answer(Request request, OutputStream out) throws IOException;
    }

    /** A request head as the upstream read it. */
    record Request(int connection, int onConnection, String method, String path, String head) {}

    private final ServerSocket server;
    private final Script script;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger closedByPeer = new AtomicInteger();
    private final Thread acceptor;

    private ScriptedUpstream(Script script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        this.acceptor = daemon(this::accept, "scripted-upstream");
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static ScriptedUpstream start(Script script) throws IOException {
        return new ScriptedUpstream(script);
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    List<Request> requests() {
        return requests;
    }

    /** Connections the gateway closed while the script still had them. */
    int closedByPeer() {
        return closedByPeer.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                int number = connections.incrementAndGet();
                daemon(() -> serve(socket, number), "scripted-upstream-" + number);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket, int connection) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (int onConnection = 1; ; onConnection++) {
                String head = readHead(in);
                if (head == null) {
                    closedByPeer.incrementAndGet();
                    return;
                }
                String[] line = head.substring(0, head.indexOf("\r\n")).split(" ");
                Request request = new Request(connection, onConnection, line[0], line[1], head);
                requests.add(request);
                if (!script.answer(request, out)) {
                    return;
                }
                out.flush();
            }
        } catch (IOException e) {
            closedByPeer.incrementAndGet();
        }
    }

    /** The head up to its empty line, or null at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
