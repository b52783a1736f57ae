package dev.takeover.rebuild;

import dev.takeover.checkpoint.SeqNum;
import dev.takeover.checkpoint.TcpLayer;
import dev.takeover.kernel.KernelException;
import dev.takeover.kernel.LocalSockets;
import dev.takeover.kernel.RebuildSpec;
import dev.takeover.kernel.TcpOptions;
import dev.takeover.kernel.TcpRepair;
import dev.takeover.probe.OldSequenceProbe;
import dev.takeover.probe.ProbeOutcome;
import java.io.IOException;

/**
 * Recreates a connection's socket on this node with {@code TCP_REPAIR}, synchronized to the client's
 * answer to the probe: sending from its acknowledgment, receiving from the checkpointed position, with its
 * window, the options negotiated at the handshake, and a timestamp clock that does not go backwards.
 */
public final class SocketRebuild {
    /**
     * Added to the timestamp clock beyond the time elapsed since the checkpoint: covers the wall-clock
     * skew between nodes, so the client's PAWS check never sees the clock go back.
     */
    static final long TIMESTAMP_MARGIN_MILLIS = 1000;

    private SocketRebuild() {}

    /**
     * The connection's four-tuple belongs to a live socket on this node: the client opened a new connection from the
     * same port, to this node, after the checkpointed one had closed (its checkpoint outlived it). The client answered
     * the probe on that new connection, which must not be disturbed.
     */
    public static final class FourTupleInUse extends IOException {
        private static final long serialVersionUID = 1L;

        FourTupleInUse(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @param sockets  releases the four-tuple when a {@code TIME_WAIT} socket of an earlier connection holds it
     * @return the descriptor of a connected socket, out of repair mode, ready for an event loop
     * @throws FourTupleInUse when a live socket here has the connection's four-tuple
     */
    public static int rebuild(ProbeOutcome.Synchronized s, long nowMillis, LocalSockets sockets) throws IOException {
        RebuildSpec spec = spec(s, nowMillis);
        try {
            return TcpRepair.rebuild(spec);
        } catch (KernelException e) {
            if (!tupleTaken(e)) {
                throw e;
            }
        }
        // A TIME_WAIT socket with timestamps gives the tuple up by itself; one without them must be released.
        sockets.releaseTimeWait(spec.connection());
        try {
            return TcpRepair.rebuild(spec);
        } catch (KernelException e) {
            if (tupleTaken(e)) {
                throw new FourTupleInUse(spec.connection() + " belongs to a newer connection on this node", e);
            }
            throw e;
        }
    }

    private static boolean tupleTaken(KernelException e) {
        return e.call().equals("connect") && e.errnoName().equals("EADDRNOTAVAIL");
    }

    static RebuildSpec spec(ProbeOutcome.Synchronized s, long nowMillis) {
        TcpLayer t = s.checkpoint().tcp();
        TcpOptions options = new TcpOptions(t.timestamps(), t.sack(), t.windowScaling(), t.sendWindowScale(),
                t.recvWindowScale(), t.mss());
        long timestamp = t.timestamps()
                ? (SeqNum.toUnsigned(t.timestampValue()) + Math.max(0, nowMillis - t.timestampWallMillis())
                + TIMESTAMP_MARGIN_MILLIS) & 0xffffffffL
                : 0;
        // Receive from where the checkpoint vouches for, not from the client's sequence: bytes it sent beyond that
        // must arrive again, in order, to be answered.
        return RebuildSpec.afterReply(OldSequenceProbe.tuple(s.checkpoint()), options, s.reply(), timestamp)
                .receivingFrom(SeqNum.toUnsigned(t.recvSeq(s.receivePosition())));
    }
}
