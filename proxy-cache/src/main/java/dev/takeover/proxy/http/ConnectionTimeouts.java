package dev.takeover.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The two timers of a client connection, placed first in the pipeline so it sees bytes arrive:
 * <ul>
 *   <li>header timeout: once the first byte of a request arrives, its header block must be complete
 *       in time, or a {@link HeaderTimeout} event goes up the pipeline (the connection answers 408
 *       and closes);</li>
 *   <li>keep-alive timeout: a connection with nothing to do for that long is closed silently.</li>
 * </ul>
 * While a request is being answered neither timer runs: a slow origin or a slow client reader is
 * governed by other timeouts.
 *
 * <p>The connection handler reports progress with {@link #requestReceived} and {@link #idle}.
 * Event-loop confined.
 */
public final class ConnectionTimeouts extends ChannelInboundHandlerAdapter {
    /** Fired up the pipeline when a request's header block did not arrive in time. */
    public enum HeaderTimeout { INSTANCE }

    private enum State { IDLE, RECEIVING, BUSY }

    private final long headerNanos;
    private final long keepAliveNanos;
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private ScheduledFuture<?> timer;

    public ConnectionTimeouts(Duration headerTimeout, Duration keepAliveTimeout) {
        this.headerNanos = headerTimeout.toNanos();
        this.keepAliveNanos = keepAliveTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        idle();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.IDLE && msg instanceof ByteBuf buf && buf.isReadable()) {
            state = State.RECEIVING;
            schedule(headerNanos, () -> ctx.fireUserEventTriggered(HeaderTimeout.INSTANCE));
        }
        ctx.fireChannelRead(msg);
    }

    /** A complete request header block arrived: no timer until the connection is idle again. */
    public void requestReceived() {
        state = State.BUSY;
        cancel();
    }

    /** Every request so far is answered: the keep-alive timer runs. */
    public void idle() {
        state = State.IDLE;
        schedule(keepAliveNanos, ctx::close);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void schedule(long nanos, Runnable action) {
        cancel();
        timer = ctx.executor().schedule(action, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
