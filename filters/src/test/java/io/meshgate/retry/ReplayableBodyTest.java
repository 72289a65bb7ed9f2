package io.meshgate.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

class ReplayableBodyTest {

    private final List<ByteBuf> fromClient = new ArrayList<>();

    private ByteBuf chunk(String text) {
        ByteBuf buf = Unpooled.directBuffer().writeBytes(text.getBytes(StandardCharsets.UTF_8));
        fromClient.add(buf);
        return buf;
    }

    private Flux<ByteBuf> client(String... chunks) {
        return Flux.defer(() -> Flux.fromArray(chunks).map(this::chunk));
    }

    /** Reads an attempt's body as the upstream client would: every buffer consumed and released. */
    private static String send(Flux<ByteBuf> body) {
        StringBuilder sent = new StringBuilder();
        body.doOnNext(buf -> {
                    sent.append(buf.toString(StandardCharsets.UTF_8));
                    buf.skipBytes(buf.readableBytes()); // as a channel write does
                    buf.release();
                })
                .blockLast();
        return sent.toString();
    }

    private void assertClientBuffersReleased() {
        assertThat(fromClient).isNotEmpty().allSatisfy(buf -> assertThat(buf.refCnt())
                .isZero());
    }

    @Test
    void aBodyWithinTheLimitIsSentAgainFromItsFirstByte() {
        ReplayableBody body = new ReplayableBody(client("hello, ", "wor", "ld"), 64);
        assertThat(body.replayable()).isTrue();
        assertThat(send(body.attempt())).isEqualTo("hello, world");
        assertThat(body.replayable()).isTrue();
        assertThat(body.keptBytes()).isEqualTo(12);
        assertThat(send(body.attempt())).isEqualTo("hello, world");
        assertThat(send(body.attempt())).isEqualTo("hello, world");
        assertThat(fromClient).hasSize(3).allSatisfy(buf -> assertThat(buf.refCnt())
                .isEqualTo(1));

        body.release();
        assertClientBuffersReleased();
        assertThat(body.replayable()).isFalse();
        assertThatIllegalStateException().isThrownBy(body::attempt).withMessageContaining("released");
        body.release();
    }

    @Test
    void aBodyPastTheLimitStreamsThroughOnceAndKeepsNothing() {
        int chunks = 64;
        String kib = "x".repeat(1024);
        String[] oneMiBIn16KiB = new String[chunks];
        java.util.Arrays.fill(oneMiBIn16KiB, kib.repeat(16));
        ReplayableBody body = new ReplayableBody(client(oneMiBIn16KiB), 64 * 1024);
        long[] mostKept = {0};
        String sent = send(body.attempt().doOnNext(buf -> mostKept[0] = Math.max(mostKept[0], body.keptBytes())));

        assertThat(sent).hasSize(1024 * 1024);
        assertThat(mostKept[0]).as("never more than the limit kept").isLessThanOrEqualTo(64 * 1024);
        assertThat(body.overflowed()).isTrue();
        assertThat(body.keptBytes()).isZero();
        assertThat(body.replayable()).isFalse();
        assertThatIllegalStateException().isThrownBy(body::attempt).withMessageContaining("larger than the 65536");
        assertClientBuffersReleased();
    }

    @Test
    void aBodyNeverReadCanBeSentByTheNextAttempt() {
        ReplayableBody body = new ReplayableBody(client("payload"), 0);
        body.attempt(); // a connect failure: the attempt's body is never subscribed
        assertThat(body.replayable()).isTrue();
        assertThat(send(body.attempt())).isEqualTo("payload");
        assertThat(body.replayable()).as("a limit of 0 keeps nothing").isFalse();
        assertClientBuffersReleased();
    }

    @Test
    void twoAttemptsCannotBothTakeTheClientsStream() {
        ReplayableBody body = new ReplayableBody(client("payload"), 0);
        Flux<ByteBuf> first = body.attempt();
        Flux<ByteBuf> second = body.attempt();
        assertThat(send(first)).isEqualTo("payload");
        assertThatIllegalStateException().isThrownBy(() -> send(second));
    }

    @Test
    void aFirstAttemptCutOffMidBodyIsNotReplayableAndReleasesWhatItKept() {
        Sinks.Many<ByteBuf> stream = Sinks.many().unicast().onBackpressureBuffer();
        ReplayableBody body = new ReplayableBody(stream.asFlux(), 1024);
        List<String> sent = new ArrayList<>();
        var subscription = body.attempt().subscribe(buf -> {
            sent.add(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        });
        stream.tryEmitNext(chunk("first half"));
        assertThat(body.replayable()).as("still streaming").isFalse();
        assertThatIllegalStateException().isThrownBy(body::attempt).withMessageContaining("still sending");
        subscription.dispose(); // the upstream reset the connection
        assertThat(sent).containsExactly("first half");
        assertThat(body.replayable()).isFalse();
        assertThat(body.keptBytes()).isZero();
        assertClientBuffersReleased();
        assertThatIllegalStateException().isThrownBy(body::attempt).withMessageContaining("stopped before its end");
    }

    @Test
    void springBuffersAreReplayedAsSpringBuffersAndReleased() {
        NettyDataBufferFactory factory = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);
        Flux<DataBuffer> fromClient = Flux.defer(() -> Flux.just("ab", "cd").map(text -> {
            NettyDataBuffer buffer = factory.wrap(chunk(text));
            return (DataBuffer) buffer;
        }));
        ReplayableBody body = ReplayableBody.ofDataBuffers(fromClient, 16);
        for (int attempt = 0; attempt < 2; attempt++) {
            String sent = body.attempt(factory)
                    .map(buffer -> {
                        String text = buffer.toString(StandardCharsets.UTF_8);
                        DataBufferUtils.release(buffer);
                        return text;
                    })
                    .collect(java.util.stream.Collectors.joining())
                    .block();
            assertThat(sent).isEqualTo("abcd");
        }
        body.release();
        assertClientBuffersReleased();
    }

    @Test
    void anEmptyBodyIsReplayable() {
        ReplayableBody body = new ReplayableBody(Flux.empty(), 64);
        assertThat(send(body.attempt())).isEmpty();
        assertThat(body.replayable()).isTrue();
        assertThat(send(body.attempt())).isEmpty();
    }
}
