package dev.takeover.proxy.resume;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a taken-over connection whose client had sent bytes beyond the checkpoint (a request sent as
 * the node died). The socket was rebuilt at the checkpointed receive position, so:
 * <ul>
 *   <li>if the dead node never acknowledged those bytes, the client's retransmission brings them again, in order,
 *       and the connection goes on: the first byte read from the socket removes this handler;</li>
 *   <li>if it had acknowledged them, the client never sends them again and nobody can answer them: once armed by a
 *       {@link Deadline}, a connection that has read nothing when it passes is reset.</li>
 * </ul>
 * Armed from outside, not at once, because a reset sent while the takeover still guards the VIP would be dropped.
 * Event-loop confined.
 */
public final class AwaitRetransmission extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AwaitRetransmission.class);

    /** Fired into the pipeline to arm the wait: the connection is reset if nothing is read within {@code within}. */
    public record Deadline(Duration within) {
        public Deadline {
            Objects.requireNonNull(within, "within");
        }
    }

    private final long unrecordedBytes;
    private ScheduledFuture<?> timer;
    private boolean active;

    /** @param unrecordedBytes how many bytes the client had sent beyond the checkpoint, for the log */
    public AwaitRetransmission(long unrecordedBytes) {
        this.unrecordedBytes = unrecordedBytes;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        // A recorded request the connection replays (ResumePlan.Replay) passes here while the channel turns active:
        // it is not the client's. Only reads from now on come from the socket.
        active = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (active) {
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof Deadline d)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (timer == null) {
            timer = ctx.executor().schedule(() -> reset(ctx, d.within()), d.within().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void reset(ChannelHandlerContext ctx, Duration within) {
        log.info("resetting {}: the {} bytes it sent as the node died did not come again within {} ms (the dead node had"
                + " acknowledged them)", ctx.channel().remoteAddress(), unrecordedBytes, within.toMillis());
        // A RST, not a FIN: the client's request was never answered, and must not look answered.
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        ctx.close();
    }
}
