package dev.takeover.proxy.resume;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A taken-over connection waits, once armed, a bounded time for its client's bytes to come again; then it is reset. */
class AwaitRetransmissionTest {
    private static final Duration WAIT = Duration.ofSeconds(2);

    /**
     * Lets {@code millis} pass on the channel's clock and runs what fell due. Each test freezes that clock first, so
     * that only this moves it: otherwise it also runs with real time, and a millisecond passing on a busy machine
     * between arming the wait and checking it failed a test.
     */
    private static void elapse(EmbeddedChannel ch, long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    @Test
    void anArmedConnectionThatReadsNothingIsClosedWhenTheWaitEnds() {
        EmbeddedChannel ch = new EmbeddedChannel(new AwaitRetransmission(37));
        ch.freezeTime();
        ch.pipeline().fireUserEventTriggered(new AwaitRetransmission.Deadline(WAIT));
        elapse(ch, WAIT.toMillis() - 1);
        assertThat(ch.isOpen()).as("not before the wait ends").isTrue();
        elapse(ch, 1);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void bytesThatComeAgainPassThroughAndEndTheWait() {
        EmbeddedChannel ch = new EmbeddedChannel(new AwaitRetransmission(37));
        ch.freezeTime();
        ch.pipeline().fireUserEventTriggered(new AwaitRetransmission.Deadline(WAIT));
        ch.writeInbound(Unpooled.copiedBuffer(new byte[] {'G', 'E', 'T'}));
        ByteBuf read = ch.readInbound();
        assertThat(read.readableBytes()).isEqualTo(3);
        read.release();
        assertThat(ch.pipeline().get(AwaitRetransmission.class)).isNull();
        elapse(ch, WAIT.toMillis() * 10);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void bytesBeforeTheArmingEndTheWaitToo() {
        EmbeddedChannel ch = new EmbeddedChannel(new AwaitRetransmission(37));
        ch.freezeTime();
        ch.writeInbound(Unpooled.copiedBuffer(new byte[] {'G'}));
        ((ByteBuf) ch.readInbound()).release();
        ch.pipeline().fireUserEventTriggered(new AwaitRetransmission.Deadline(WAIT));
        elapse(ch, WAIT.toMillis() * 10);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void anUnarmedConnectionWaitsForItsArming() {
        // The takeover still guards the VIP: a reset now would be dropped and leave the client hanging.
        EmbeddedChannel ch = new EmbeddedChannel(new AwaitRetransmission(37));
        ch.freezeTime();
        elapse(ch, WAIT.toMillis() * 10);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void aSecondArmingDoesNotMoveTheDeadline() {
        EmbeddedChannel ch = new EmbeddedChannel(new AwaitRetransmission(37));
        ch.freezeTime();
        ch.pipeline().fireUserEventTriggered(new AwaitRetransmission.Deadline(WAIT));
        ch.advanceTimeBy(WAIT.toMillis() / 2, TimeUnit.MILLISECONDS);
        ch.pipeline().fireUserEventTriggered(new AwaitRetransmission.Deadline(WAIT));
        elapse(ch, WAIT.toMillis() / 2);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void otherEventsPassThrough() {
        Object[] seen = new Object[1];
        EmbeddedChannel ch = new EmbeddedChannel(new AwaitRetransmission(37), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                seen[0] = evt;
            }
        });
        ch.freezeTime();
        ch.pipeline().fireUserEventTriggered("other");
        assertThat(seen[0]).isEqualTo("other");
    }

    @Test
    void aReplayedRequestIsNotTheClientsBytes() throws Exception {
        // ClientConnection replays a recorded request head through the pipeline while the channel turns active.
        EmbeddedChannel ch = new EmbeddedChannel(false, false, new AwaitRetransmission(37),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.pipeline().fireChannelRead(Unpooled.copiedBuffer(new byte[] {'G', 'E', 'T'}));
                        ctx.fireChannelActive();
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ((ByteBuf) msg).release();
                    }
                });
        ch.register();
        ch.freezeTime();
        assertThat(ch.pipeline().get(AwaitRetransmission.class)).isNotNull();
        ch.pipeline().fireUserEventTriggered(new AwaitRetransmission.Deadline(WAIT));
        elapse(ch, WAIT.toMillis());
        assertThat(ch.isOpen()).isFalse();
    }
}
