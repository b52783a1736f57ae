package dev.takeover.rebuild;

import dev.takeover.checkpoint.SeqNum;
import dev.takeover.checkpoint.TcpLayer;
import dev.takeover.kernel.RebuildSpec;
import dev.takeover.kernel.TcpOptions;
import dev.takeover.kernel.TcpRepair;
import dev.takeover.probe.OldSequenceProbe;
import dev.takeover.probe.ProbeOutcome;
import java.io.IOException;

/**
 * Recreates a connection's socket on this node with {@code TCP_REPAIR}, synchronized to the client's
 * answer to the probe: sending from its acknowledgment, receiving from its sequence, with its window,
 * the options negotiated at the handshake, and a timestamp clock that does not go backwards.
 */
public final class SocketRebuild {
    /**
     * Added to the timestamp clock beyond the time elapsed since the checkpoint: covers the wall-clock
     * skew between nodes, so the client's PAWS check never sees the clock go back.
     */
    static final long TIMESTAMP_MARGIN_MILLIS = 1000;

    private SocketRebuild() {}

    /** @return the descriptor of a connected socket, out of repair mode, ready for an event loop */
    public static int rebuild(ProbeOutcome.Synchronized s, long nowMillis) throws IOException {
        TcpLayer t = s.checkpoint().tcp();
        TcpOptions options = new TcpOptions(t.timestamps(), t.sack(), t.windowScaling(), t.sendWindowScale(),
                t.recvWindowScale(), t.mss());
        long timestamp = t.timestamps()
                ? (SeqNum.toUnsigned(t.timestampValue()) + Math.max(0, nowMillis - t.timestampWallMillis())
                + TIMESTAMP_MARGIN_MILLIS) & 0xffffffffL
                : 0;
        return TcpRepair.rebuild(RebuildSpec.afterReply(OldSequenceProbe.tuple(s.checkpoint()), options, s.reply(), timestamp));
    }
}
