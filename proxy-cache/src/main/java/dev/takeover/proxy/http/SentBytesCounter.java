package dev.takeover.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Counts every byte written to the connection, in write order: the send half of the byte
 * accounting. Byte {@code n} written here is the byte at send position {@code n}, whose sequence
 * number is the connection's initial send sequence + n (mod 2^32), because the socket sends bytes in
 * the order they are written. Event-loop confined.
 */
public final class SentBytesCounter extends ChannelOutboundHandlerAdapter {
    private long sent;

    /** Counts from 0: a new connection. */
    public SentBytesCounter() {
        this(0);
    }

    /** Counts from {@code position}: a connection resumed after a takeover. */
    public SentBytesCounter(long position) {
        this.sent = position;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            sent += buf.readableBytes();
        }
        ctx.write(msg, promise);
    }

    /** Bytes written so far: the send position of the next byte. */
    public long sent() {
        return sent;
    }
}
