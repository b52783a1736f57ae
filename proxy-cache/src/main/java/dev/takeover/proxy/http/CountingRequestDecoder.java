package dev.takeover.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.util.List;

/**
 * netty's request decoder, counting the bytes it consumed: when a message goes up the pipeline,
 * {@link #consumed()} is the receive position right after it. netty fires what one {@code decode}
 * call produced before decoding further, and one call never crosses the end of a request, so at a
 * {@code LastHttpContent} the count is exactly the request's end, even with pipelined requests
 * still buffered behind it.
 *
 * <p>This is the receive half of the byte accounting that maps the application's bytes to TCP
 * sequence numbers. Event-loop confined.
 */
public final class CountingRequestDecoder extends HttpRequestDecoder {
    private long consumed;

    public CountingRequestDecoder(HttpDecoderConfig config) {
        this(config, 0);
    }

    /** A decoder whose count starts at {@code position}: a connection resumed after a takeover. */
    public CountingRequestDecoder(HttpDecoderConfig config, long position) {
        super(config);
        this.consumed = position;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        int before = buffer.readerIndex();
        try {
            super.decode(ctx, buffer, out);
        } finally {
            consumed += buffer.readerIndex() - before;
        }
    }

    /** Bytes of the connection consumed by the decoder so far. */
    public long consumed() {
        return consumed;
    }
}
