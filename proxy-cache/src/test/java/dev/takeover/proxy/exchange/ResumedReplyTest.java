package dev.takeover.proxy.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.takeover.proxy.cache.BodyBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A reply resumed at any wire offset produces exactly the rest of the bytes the full reply would
 * have: the property the takeover relies on to splice a response across nodes.
 */
class ResumedReplyTest {
    private static final byte[] HEAD = "HTTP/1.1 200 OK\r\nX-Test: yes\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    static Stream<Arguments> cases() {
        long len = 3L * ChunkedLayout.CHUNK + 777;
        long chunkedWire = ChunkedLayout.wireLength(len);
        return Stream.of(Framing.LENGTH, Framing.CHUNKED).flatMap(f -> {
            long wire = HEAD.length + (f == Framing.CHUNKED ? chunkedWire : len);
            return LongStream.of(0, 1, HEAD.length - 1, HEAD.length, HEAD.length + 1, HEAD.length + 5,
                            HEAD.length + ChunkedLayout.FULL_CHUNK_WIRE - 1, HEAD.length + ChunkedLayout.FULL_CHUNK_WIRE,
                            HEAD.length + 2L * ChunkedLayout.FULL_CHUNK_WIRE + 3, wire - 8, wire - 3, wire - 1, wire)
                    .mapToObj(offset -> Arguments.of(f, len, offset));
        });
    }

    @ParameterizedTest(name = "{0}, resumed at wire offset {2}")
    @MethodSource("cases")
    void aResumedReplyIsTheTailOfTheFullOne(Framing framing, long length, long offset) {
        byte[] full = write(framing, length, 0, 0);
        long bodyStart;
        long skip;
        if (offset <= HEAD.length) {
            bodyStart = 0;
            skip = offset;
        } else if (framing == Framing.CHUNKED) {
            ChunkedLayout.Position p = ChunkedLayout.locate(offset - HEAD.length, length);
            bodyStart = p.bodyOffset();
            skip = HEAD.length + p.skip();
        } else {
            bodyStart = offset - HEAD.length;
            skip = HEAD.length;
        }
        byte[] resumed = write(framing, length, bodyStart, skip);
        assertThat(resumed.length).isEqualTo(full.length - offset);
        assertThat(resumed).isEqualTo(java.util.Arrays.copyOfRange(full, (int) offset, full.length));
    }

    /** Writes a reply whose body cursor starts at {@code bodyStart}, leaving out {@code skip} wire bytes. */
    private static byte[] write(Framing framing, long length, long bodyStart, long skip) {
        byte[] bytes = new byte[(int) length];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7 + (i >> 8));
        }
        BodyBuffer body = BodyBuffer.of(ByteBufAllocator.DEFAULT, bytes);
        Reply reply = new Reply(200, HEAD, body.open(bodyStart), length, framing, false, "HIT", null, skip);
        body.release();
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = ch.pipeline().firstContext();
        boolean[] done = {false};
        ReplyWriter writer = new ReplyWriter(ctx, reply, new ReplyWriter.Listener() {
            @Override
            public void progressed(ReplyWriter w) {
            }

            @Override
            public void replyWritten(ReplyWriter w) {
                done[0] = true;
            }

            @Override
            public void replyFailed(ReplyWriter w, Throwable cause) {
                throw new AssertionError(cause);
            }
        });
        writer.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            byte[] chunk = new byte[b.readableBytes()];
            b.readBytes(chunk);
            out.writeBytes(chunk);
            b.release();
        }
        assertThat(done[0]).isTrue();
        assertThat(writer.bytesWritten()).isEqualTo(out.size());
        assertThat(ch.finishAndReleaseAll()).isFalse();
        return out.toByteArray();
    }
}
