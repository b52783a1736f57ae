package dev.takeover.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BodyFactoryTest {

    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    @TempDir
    Path temp;

    /** Drains a chunked body as the chunked writer would, checking chunk sizes and the final marker. */
    private static byte[] drain(Body body) throws Exception {
        assertThat(body).isInstanceOf(Body.Chunked.class);
        var input = ((Body.Chunked) body).input();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean sawLast = false;
        while (!input.isEndOfInput()) {
            HttpContent chunk = input.readChunk(ALLOC);
            try {
                assertThat(chunk.content().readableBytes()).isLessThanOrEqualTo(BodyFactory.CHUNK_SIZE);
                byte[] bytes = new byte[chunk.content().readableBytes()];
                chunk.content().readBytes(bytes);
                out.writeBytes(bytes);
                sawLast = chunk instanceof LastHttpContent;
            } finally {
                chunk.release();
            }
        }
        input.close();
        assertThat(sawLast).as("ends with the last-content marker").isTrue();
        return out.toByteArray();
    }

    @ParameterizedTest
    @CsvSource({"0, 1", "0, 65536", "0, 200000", "12345, 100000", "199999, 1"})
    void syntheticSlicesStreamInBoundedChunks(long first, int count) throws Exception {
        SyntheticObject object = Synthetic.object("/synthetic/200000?body");

        byte[] streamed = drain(new BodyFactory(true).open(object, first, count));

        assertThat(streamed).isEqualTo(Synthetic.slice(object, first, count));
    }

    @Test
    void emptySliceHasNoBody() throws IOException {
        assertThat(new BodyFactory(true).open(Synthetic.object("/synthetic/0"), 0, 0)).isEqualTo(Body.EMPTY);
    }

    @Test
    void syntheticInputReportsProgress() {
        SyntheticChunkedInput input = new SyntheticChunkedInput(Synthetic.object("/synthetic/10"), 2, 7, 4);

        ByteBuf first = input.readChunk(ALLOC);
        assertThat(input.progress()).isEqualTo(4);
        ByteBuf second = input.readChunk(ALLOC);

        assertThat(first.readableBytes()).isEqualTo(4);
        assertThat(second.readableBytes()).isEqualTo(3);
        assertThat(input.length()).isEqualTo(7);
        assertThat(input.isEndOfInput()).isTrue();
        assertThat(input.readChunk(ALLOC)).isNull();
        first.release();
        second.release();
        assertThatThrownBy(() -> new SyntheticChunkedInput(Synthetic.object("/synthetic/10"), 5, 6, 4))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fileSlicesStreamWhenRateLimitedAndUseARegionOtherwise() throws Exception {
        byte[] content = new byte[150_000];
        new Random(5).nextBytes(content);
        Path path = Files.write(temp.resolve("f.bin"), content);
        FileObject file = new FileObject(path, content.length, Instant.EPOCH, ContentTypes.DEFAULT);

        byte[] streamed = drain(new BodyFactory(false).open(file, 70_000, 80_000));
        Body region = new BodyFactory(true).open(file, 10, 20);

        assertThat(streamed).isEqualTo(Arrays.copyOfRange(content, 70_000, 150_000));
        assertThat(region).isInstanceOfSatisfying(Body.Region.class, r -> {
            assertThat(r.region().position()).isEqualTo(10);
            assertThat(r.region().count()).isEqualTo(20);
            r.region().release();
        });
    }

    @Test
    void aFileThatShrinksWhileStreamingFailsTheTransfer() throws Exception {
        Path path = Files.write(temp.resolve("shrinking.bin"), new byte[200_000]);
        FileObject file = new FileObject(path, 200_000, Instant.EPOCH, ContentTypes.DEFAULT);
        Body body = new BodyFactory(false).open(file, 0, 200_000);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.truncate(10_000);
        }

        assertThatThrownBy(() -> drain(body)).hasMessageContaining("shrank");
    }
}
