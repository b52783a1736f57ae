package dev.takeover.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/**
 * Streams a slice of a {@link SyntheticObject} one chunk at a time, so memory stays bounded by the chunk size however
 * large the object is. Not thread-safe: netty's {@code ChunkedWriteHandler} drives it from the channel's event loop.
 */
final class SyntheticChunkedInput implements ChunkedInput<ByteBuf> {

    private final SyntheticObject object;
    private final long start;
    private final long end;
    private final int chunkSize;
    private long offset;

    /**
     * @param first     the first byte to send
     * @param count     how many bytes to send; {@code [first, first + count)} must lie within the object
     * @param chunkSize the largest chunk produced, {@code > 0}
     */
    SyntheticChunkedInput(SyntheticObject object, long first, long count, int chunkSize) {
        if (first < 0 || count < 0 || first > object.length() - count || chunkSize <= 0) {
            throw new IllegalArgumentException("slice [" + first + ", +" + count + ") of " + object
                    + " with chunk size " + chunkSize);
        }
        this.object = object;
        this.start = first;
        this.end = first + count;
        this.chunkSize = chunkSize;
        this.offset = first;
    }

    @Override
    public boolean isEndOfInput() {
        return offset >= end;
    }

    @Override
    public void close() {
        // nothing to free: the content is computed
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
        if (isEndOfInput()) {
            return null;
        }
        int n = (int) Math.min(chunkSize, end - offset);
        ByteBuf buf = allocator.heapBuffer(n);
        try {
            if (buf.hasArray()) {
                object.read(offset, buf.array(), buf.arrayOffset() + buf.writerIndex(), n);
                buf.writerIndex(buf.writerIndex() + n);
            } else {
                byte[] bytes = new byte[n];
                object.read(offset, bytes, 0, n);
                buf.writeBytes(bytes);
            }
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        offset += n;
        return buf;
    }

    @Override
    public long length() {
        return end - start;
    }

    @Override
    public long progress() {
        return offset - start;
    }
}
