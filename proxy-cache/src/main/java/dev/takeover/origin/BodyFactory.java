package dev.takeover.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedNioFile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Opens the content of a {@link ServedObject} slice as a {@link Body}. Files go out as zero-copy regions unless the
 * connection is rate-limited: traffic shaping meters whole messages, so throttled files are cut into chunks like
 * synthetic content. Thread-safe.
 */
final class BodyFactory {

    /** Bounds the memory one response holds at a time. */
    static final int CHUNK_SIZE = 64 * 1024;

    private final boolean zeroCopyFiles;

    BodyFactory(boolean zeroCopyFiles) {
        this.zeroCopyFiles = zeroCopyFiles;
    }

    /**
     * @param first the first byte of the slice
     * @param count the slice length; {@code [first, first + count)} must lie within the object
     * @throws IOException if a file cannot be opened
     */
    Body open(ServedObject object, long first, long count) throws IOException {
        if (count == 0) {
            return Body.EMPTY;
        }
        return switch (object) {
            case SyntheticObject synthetic ->
                    new Body.Chunked(new HttpChunkedInput(new SyntheticChunkedInput(synthetic, first, count, CHUNK_SIZE)));
            case FileObject file -> openFile(file, first, count);
        };
    }

    private Body openFile(FileObject file, long first, long count) throws IOException {
        FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ);
        try {
            if (zeroCopyFiles) {
                return new Body.Region(new DefaultFileRegion(channel, first, count));
            }
            return new Body.Chunked(new HttpChunkedInput(
                    new ShrinkGuard(new ChunkedNioFile(channel, first, count, CHUNK_SIZE))));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Fails the transfer when a file shrinks under it: the file chunker would otherwise keep yielding empty chunks
     * without ever reaching its end.
     */
    private record ShrinkGuard(ChunkedInput<ByteBuf> file) implements ChunkedInput<ByteBuf> {

        @Override
        public boolean isEndOfInput() throws Exception {
            return file.isEndOfInput();
        }

        @Override
        public void close() throws Exception {
            file.close();
        }

        @Deprecated
        @Override
        public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
            return readChunk(ctx.alloc());
        }

        @Override
        public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
            ByteBuf chunk = file.readChunk(allocator);
            if (chunk != null && !chunk.isReadable() && !file.isEndOfInput()) {
                chunk.release();
                throw new IOException("file shrank while being served");
            }
            return chunk;
        }

        @Override
        public long length() {
            return file.length();
        }

        @Override
        public long progress() {
            return file.progress();
        }
    }
}
