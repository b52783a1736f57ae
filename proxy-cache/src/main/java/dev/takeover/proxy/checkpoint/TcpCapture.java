package dev.takeover.proxy.checkpoint;

import dev.takeover.checkpoint.TcpLayer;
import io.netty.channel.Channel;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a connection's TCP state from the kernel. The Linux implementation uses {@code TCP_REPAIR}
 * ({@link KernelTcpCapture}); without the platform or the privilege there is none and the node runs
 * as a plain proxy.
 */
public interface TcpCapture {
    /**
     * The TCP layer of a connection just accepted, before the proxy read or wrote a byte: its
     * starting sequence numbers, negotiated options and timestamp clock. Empty if it cannot be read.
     */
    Optional<AtAccept> atAccept(Channel channel);

    /**
     * A connection as captured at accept.
     *
     * @param tcp           its TCP layer
     * @param receivedBytes the client's bytes the kernel had received by then: it acknowledged them as they arrived
     *                      (a new connection starts in quick-ACK mode), before {@link HeldAcks} could hold anything
     */
    record AtAccept(TcpLayer tcp, int receivedBytes) {
        public AtAccept {
            Objects.requireNonNull(tcp, "tcp");
            if (receivedBytes < 0) {
                throw new IllegalArgumentException("receivedBytes must not be negative: " + receivedBytes);
            }
        }
    }

    /** Bytes the client has acknowledged so far, given {@code sent} bytes written; empty if unknown. */
    OptionalLong ackedBytes(Channel channel, long sent);
}
