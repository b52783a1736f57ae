package dev.takeover.proxy.checkpoint;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back the kernel's acknowledgment of a request until the response to it goes out, by turning quick ACKs
 * ({@code TCP_QUICKACK}) off when the connection becomes active and again after every read: the kernel turns them
 * back on by itself (when its delayed-ACK timer fires, for one), so once is not enough.
 *
 * <p>Why: a response's first byte waits until its checkpoint is replicated (with {@link Checkpointing#smallBody()}
 * below zero), so the request's ACK, riding on that byte, leaves only once the cluster holds the request. A node that
 * dies before then has acknowledged nothing: the client sends the request again, to the survivor, which answers it.
 * Without this, the kernel acknowledges a request on arrival, and one acknowledged by a node that died before its
 * checkpoint was replicated is lost for good: the survivor can only reset the connection.
 *
 * <p>The hold is bounded by the kernel's delayed-ACK timer (40 ms at the least on Linux): a response that takes longer
 * (an origin fetch, a stalled replication) lets the ACK go first, as without this handler. Two requests arriving back
 * to back (pipelining) are acknowledged at once as well, and so are the bytes that arrived before the connection was
 * accepted (it starts in quick-ACK mode): {@link TcpCapture.AtAccept#receivedBytes()} counts them, and their response
 * does not wait. Only for the epoll transport; elsewhere it does nothing.
 */
@ChannelHandler.Sharable
public final class HeldAcks extends ChannelInboundHandlerAdapter {
    /** {@code -Dtakeover.hold-acks=false} leaves quick ACKs on, for side-by-side measurements. */
    public static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("takeover.hold-acks", "true"));
    public static final HeldAcks INSTANCE = new HeldAcks();
    private static final Logger log = LoggerFactory.getLogger(HeldAcks.class);

    private HeldAcks() {}

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        quickAcksOff(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        quickAcksOff(ctx);
        ctx.fireChannelReadComplete();
    }

    private static void quickAcksOff(ChannelHandlerContext ctx) {
        if (ctx.channel() instanceof EpollSocketChannel ch && ch.isOpen()) {
            try {
                ch.config().setTcpQuickAck(false);
            } catch (RuntimeException e) {
                log.debug("cannot turn quick ACKs off on {}: {}", ch, e.toString()); // closing under us
            }
        }
    }
}
