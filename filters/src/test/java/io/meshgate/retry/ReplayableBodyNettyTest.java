package io.meshgate.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * {@link ReplayableBody} through real Reactor Netty: the channel writes (and releases) what each
 * attempt sends, and the server must receive every attempt's body byte for byte.
 */
class ReplayableBodyNettyTest {

    private static DisposableServer server;
    private static HttpClient client;

    private final List<ByteBuf> fromClient = new ArrayList<>();

    @BeforeAll
    static void start() {
        // Answers "<bytes> <crc32>" of the request body.
        server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((request, response) -> response.sendString(request.receive()
                        .aggregate()
                        .asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .map(body -> {
                            CRC32 crc = new CRC32();
                            crc.update(body);
                            return body.length + " " + crc.getValue();
                        })))
                .bindNow(Duration.ofSeconds(10));
        client = HttpClient.create().baseUrl("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    static void stop() {
        server.disposeNow(Duration.ofSeconds(5));
    }

    /**
     * The client's body: direct buffers of {@code chunkSize} bytes, unpooled so that a released one is
     * never reused and its count can be checked.
     */
    private Flux<ByteBuf> clientBody(int chunks, int chunkSize) {
        return Flux.range(0, chunks).map(i -> {
            byte[] content = new byte[chunkSize];
            Arrays.fill(content, i.byteValue());
            ByteBuf buf =
                    UnpooledByteBufAllocator.DEFAULT.directBuffer(chunkSize).writeBytes(content);
            fromClient.add(buf);
            return buf;
        });
    }

    private static String expected(int chunks, int chunkSize) {
        CRC32 crc = new CRC32();
        for (int i = 0; i < chunks; i++) {
            byte[] content = new byte[chunkSize];
            Arrays.fill(content, (byte) i);
            crc.update(content);
        }
        return (long) chunks * chunkSize + " " + crc.getValue();
    }

    private static String post(Flux<ByteBuf> body) {
        return client.post()
                .uri("/")
                .send((request, outbound) -> outbound.send(body))
                .responseSingle((response, content) -> content.asString())
                .block(Duration.ofSeconds(30));
    }

    @Test
    void aSmallBodyReachesTheUpstreamWholeOnEveryAttempt() {
        ReplayableBody body = new ReplayableBody(clientBody(8, 4096), 64 * 1024);
        String expected = expected(8, 4096);
        assertThat(post(body.attempt())).isEqualTo(expected);
        assertThat(body.replayable()).isTrue();
        assertThat(post(body.attempt())).as("the retry").isEqualTo(expected);
        assertThat(post(body.attempt())).as("another retry").isEqualTo(expected);
        body.release();
        assertThat(fromClient).hasSize(8).allSatisfy(buf -> assertThat(buf.refCnt())
                .isZero());
    }

    @Test
    void aOneMebibyteBodyStreamsThroughOnceKeepingAtMostTheLimit() {
        ReplayableBody body = new ReplayableBody(clientBody(128, 8192), 64 * 1024);
        long[] mostKept = {0};
        Flux<ByteBuf> watched = body.attempt().doOnNext(buf -> mostKept[0] = Math.max(mostKept[0], body.keptBytes()));
        assertThat(post(watched)).isEqualTo(expected(128, 8192));
        assertThat(mostKept[0]).isLessThanOrEqualTo(64 * 1024);
        assertThat(body.replayable()).isFalse();
        assertThat(fromClient).hasSize(128).allSatisfy(buf -> assertThat(buf.refCnt())
                .isZero());
    }
}
