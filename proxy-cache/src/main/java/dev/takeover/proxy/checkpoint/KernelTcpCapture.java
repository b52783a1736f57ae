package dev.takeover.proxy.checkpoint;

import dev.takeover.checkpoint.TcpLayer;
import dev.takeover.kernel.SocketQueues;
import dev.takeover.kernel.TcpOptions;
import dev.takeover.kernel.TcpRepair;
import dev.takeover.kernel.TcpSnapshot;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollSocketChannel;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TcpCapture} on Linux: {@code TCP_REPAIR} through {@link TcpRepair} for the state at accept,
 * {@code SIOCOUTQ} for the acknowledged position. Needs the epoll transport (for the descriptor) and
 * CAP_NET_ADMIN; a connection whose state cannot be read is simply not checkpointed.
 */
public final class KernelTcpCapture implements TcpCapture {
    private static final Logger log = LoggerFactory.getLogger(KernelTcpCapture.class);

    @Override
    public Optional<AtAccept> atAccept(Channel channel) {
        if (!(channel instanceof EpollSocketChannel epoll)) {
            return Optional.empty();
        }
        try {
            TcpSnapshot s = TcpRepair.capture(epoll.fd().intValue());
            TcpOptions o = s.options();
            // Nothing written or read yet: write_seq is the first send byte, rcv_nxt - unread the first receive byte.
            return Optional.of(new AtAccept(new TcpLayer((int) s.sendSeq(), (int) s.readSeq(), o.mss(),
                    o.windowScaling(), o.sendWindowScale(), o.receiveWindowScale(), o.sack(), o.timestamps(),
                    o.timestamps() ? (int) s.timestamp() : 0, o.timestamps() ? s.wallMillis() : -1, TcpLayer.UNKNOWN),
                    s.unreadBytes()));
        } catch (IOException e) {
            log.debug("cannot read the TCP state of {}: {}", channel.remoteAddress(), e.toString());
            return Optional.empty();
        }
    }

    /** A lower bound of what the client acknowledged: never more than the truth, or empty. */
    @Override
    public OptionalLong ackedBytes(Channel channel, long sent) {
        if (!(channel instanceof EpollSocketChannel epoll) || !channel.isActive()) {
            return OptionalLong.empty();
        }
        // netty's pending count includes its per-message overhead: this under-estimates what the kernel
        // has, so the result never exceeds what the client really acknowledged, which is what matters.
        ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
        long inKernel = sent - (pending == null ? 0 : pending.totalPendingWriteBytes());
        try {
            long acked = inKernel - SocketQueues.read(epoll.fd().intValue()).unackedBytes();
            return acked >= 0 ? OptionalLong.of(acked) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }
}
