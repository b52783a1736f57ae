package dev.takeover.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Ticker;
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
 *
 * <p>Each state change only records a deadline; one scheduled check per connection enforces it.
 * When the check finds the deadline moved later, it re-arms itself for the rest; only a deadline
 * earlier than the pending check (a request starting on an idle connection whose check is still the
 * keep-alive one) replaces it. A busy keep-alive connection thus schedules about one check per
 * header timeout instead of two per request. Times come from the event loop's ticker.
 * Event-loop confined.
 */
public final class ConnectionTimeouts extends ChannelInboundHandlerAdapter {
    /** Fired up the pipeline when a request's header block did not arrive in time. */
    public enum HeaderTimeout { INSTANCE }

    private enum State { IDLE, RECEIVING, BUSY }

    private final long headerNanos;
    private final long keepAliveNanos;
    private ChannelHandlerContext ctx;
    private Ticker ticker;
    private State state = State.IDLE;
    /** When the current state's timeout expires (ticker time); unused while BUSY. */
    private long deadline;
    /** The pending check, or null; it runs at {@link #checkAt}, never later than {@link #deadline}. */
    private ScheduledFuture<?> check;
    private long checkAt;
    private boolean inactive;

    public ConnectionTimeouts(Duration headerTimeout, Duration keepAliveTimeout) {
        this.headerNanos = headerTimeout.toNanos();
        this.keepAliveNanos = keepAliveTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.ticker = ctx.executor().ticker();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        idle();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.IDLE && msg instanceof ByteBuf buf && buf.isReadable()) {
            arm(State.RECEIVING, headerNanos);
        }
        ctx.fireChannelRead(msg);
    }

    /** A complete request header block arrived: no timer until the connection is idle again. */
    public void requestReceived() {
        state = State.BUSY; // a pending check finds nothing to do
    }

    /** Every request so far is answered: the keep-alive timer runs. */
    public void idle() {
        arm(State.IDLE, keepAliveNanos);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
        if (check != null) {
            check.cancel(false);
            check = null;
        }
        ctx.fireChannelInactive();
    }

    private void arm(State next, long timeoutNanos) {
        state = next;
        deadline = ticker.nanoTime() + timeoutNanos;
        if (inactive) {
            return;
        }
        if (check != null && checkAt - deadline > 0) { // the pending check would come too late
            check.cancel(false);
            check = null;
        }
        if (check == null) {
            scheduleCheck(timeoutNanos);
        }
    }

    private void scheduleCheck(long delayNanos) {
        checkAt = deadline;
        check = ctx.executor().schedule(this::onCheck, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void onCheck() {
        check = null;
        if (inactive || state == State.BUSY) {
            return;
        }
        long left = deadline - ticker.nanoTime();
        if (left > 0) { // the deadline moved since this check was scheduled
            scheduleCheck(left);
            return;
        }
        if (state == State.IDLE) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(HeaderTimeout.INSTANCE);
        }
    }
}
