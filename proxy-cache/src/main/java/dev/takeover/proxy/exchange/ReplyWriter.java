package dev.takeover.proxy.exchange;

import dev.takeover.proxy.cache.BodyBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;

/**
 * Writes one {@link Reply} to a client channel: the header block, then the body as it becomes
 * available, never faster than the channel drains (it stops when the channel is not writable and
 * continues on {@link #pump()}).
 *
 * <p>Body bytes go out as retained slices of the stored segments: nothing is copied. If the body
 * fails mid-way (the origin broke), the connection is closed so the client sees a truncated
 * response rather than a wrong one.
 *
 * <p>Event-loop confined: every method runs on the channel's event loop.
 */
final class ReplyWriter {
    /** Body bytes per chunk of a chunked reply (see {@link Framing#CHUNKED}). */
    static final int CHUNK = ChunkedLayout.CHUNK;
    private static final int MAX_WRITE = BodyBuffer.SEGMENT;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What the connection learns when the reply is done. */
    interface Listener {
        /** Some body bytes were handed to the channel. */
        void progressed(ReplyWriter writer);

        void replyWritten(ReplyWriter writer);

        void replyFailed(ReplyWriter writer, Throwable cause);
    }

    private final ChannelHandlerContext ctx;
    private final Reply reply;
    private final Listener listener;
    private long bytesWritten;
    private long skip;
    private boolean waitingForData;
    private boolean finished;

    ReplyWriter(ChannelHandlerContext ctx, Reply reply, Listener listener) {
        this.ctx = ctx;
        this.reply = reply;
        this.listener = listener;
        this.skip = reply.skip();
    }

    Reply reply() {
        return reply;
    }

    /** Bytes handed to the channel so far, header block included. */
    long bytesWritten() {
        return bytesWritten;
    }

    void start() {
        write(Unpooled.wrappedBuffer(reply.head()));
        pump();
    }

    /** Writes what can be written now; call again when the channel becomes writable. */
    void pump() {
        if (finished || waitingForData) {
            return;
        }
        BodyBuffer.Cursor cursor = reply.body();
        if (cursor == null) {
            finish();
            return;
        }
        BodyBuffer body = cursor.body();
        while (ctx.channel().isWritable()) {
            Throwable failure = body.failure();
            if (failure != null) {
                fail(failure);
                return;
            }
            long pos = cursor.position();
            long end = reply.end() >= 0 ? reply.end() : body.isComplete() ? body.available() : Long.MAX_VALUE;
            if (pos >= end) {
                if (reply.framing() == Framing.CHUNKED) {
                    write(Unpooled.wrappedBuffer(LAST_CHUNK));
                }
                finish();
                return;
            }
            long wanted = reply.framing() == Framing.CHUNKED ? Math.min(pos + CHUNK, end) : pos + 1;
            if (body.available() < wanted) {
                awaitData(body, wanted - 1);
                return;
            }
            if (reply.framing() == Framing.CHUNKED) {
                write(Unpooled.copiedBuffer(Long.toHexString(wanted - pos) + "\r\n", StandardCharsets.US_ASCII));
                writeBody(cursor, body, wanted);
                write(Unpooled.wrappedBuffer(CRLF));
            } else {
                writeBody(cursor, body, Math.min(end, body.available()));
            }
            listener.progressed(this);
        }
        ctx.flush();
    }

    private void writeBody(BodyBuffer.Cursor cursor, BodyBuffer body, long until) {
        long pos = cursor.position();
        while (pos < until) {
            ByteBuf slice = body.slice(pos, (int) Math.min(MAX_WRITE, until - pos));
            pos += slice.readableBytes();
            write(slice);
        }
        cursor.advanceTo(pos);
    }

    private void awaitData(BodyBuffer body, long offset) {
        ctx.flush();
        waitingForData = true;
        body.whenReadable(offset, () -> ctx.executor().execute(() -> {
            waitingForData = false;
            pump();
        }));
    }

    /** Writes {@code buf}, less what is left of the bytes the client already has. */
    private void write(ByteBuf buf) {
        if (skip > 0) {
            int n = (int) Math.min(skip, buf.readableBytes());
            buf.skipBytes(n);
            skip -= n;
            if (!buf.isReadable()) {
                buf.release();
                return;
            }
        }
        bytesWritten += buf.readableBytes();
        ctx.write(buf, ctx.voidPromise());
    }

    private void finish() {
        finished = true;
        reply.discard();
        ctx.flush();
        listener.replyWritten(this);
    }

    private void fail(Throwable cause) {
        finished = true;
        reply.discard();
        ctx.flush();
        listener.replyFailed(this, cause);
    }

    /** Stops without writing more (the connection went away). Idempotent. */
    void abandon() {
        finished = true;
        reply.discard();
    }
}
