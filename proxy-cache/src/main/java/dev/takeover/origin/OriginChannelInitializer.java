package dev.takeover.origin;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.traffic.ChannelTrafficShapingHandler;

/**
 * Builds each connection's pipeline: optional per-connection write shaping nearest the socket (so it meters the bytes
 * actually sent), the HTTP/1.1 codec, request aggregation (echo bodies are small), the chunked writer that streams
 * large bodies lazily and keeps pipelined responses in order, then the shared {@link OriginHandler}.
 */
final class OriginChannelInitializer extends ChannelInitializer<SocketChannel> {

    /** The largest echo body accepted; larger requests get 413 from the aggregator. */
    static final int MAX_REQUEST_BODY = 16 * 1024 * 1024;
    /** How often the shaper recomputes its budget; small enough to keep a throttled stream smooth. */
    private static final long SHAPING_CHECK_INTERVAL_MILLIS = 100;

    private final long bytesPerSecond;
    private final OriginHandler handler;

    OriginChannelInitializer(long bytesPerSecond, OriginHandler handler) {
        this.bytesPerSecond = bytesPerSecond;
        this.handler = handler;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        if (bytesPerSecond > 0) {
            ChannelTrafficShapingHandler shaper =
                    new ChannelTrafficShapingHandler(bytesPerSecond, 0, SHAPING_CHECK_INTERVAL_MILLIS);
            // Keep the shaper's backlog to a few chunks: the chunked writer pauses while the channel is unwritable.
            shaper.setMaxWriteSize(4L * BodyFactory.CHUNK_SIZE);
            pipeline.addLast("shaper", shaper);
        }
        pipeline.addLast("codec", new HttpServerCodec())
                .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BODY))
                .addLast("chunked", new ChunkedWriteHandler())
                .addLast("origin", handler);
    }
}
