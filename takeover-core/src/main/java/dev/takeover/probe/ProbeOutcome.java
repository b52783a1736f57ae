package dev.takeover.probe;

import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.kernel.TcpHeader;

/** What the client's answer to the old-sequence ACK says about one connection. */
public sealed interface ProbeOutcome {
    ConnectionCheckpoint checkpoint();

    /**
     * The client answered: the connection continues from its positions (byte counts since the connection started).
     *
     * <p>A client may have sent bytes beyond the checkpoint ({@code unrecordedBytes > 0}): a request sent as the node
     * died. Receiving resumes at the checkpointed position all the same. If the dead node never acknowledged those
     * bytes the client sends them again and they are answered; if it did, the client never will, and the connection
     * is reset once it is clear they are not coming (the answer to the probe cannot tell the two apart).
     *
     * @param reply           the client's segment
     * @param sendPosition    the client's acknowledgment: where sending resumes
     * @param receivePosition the checkpointed receive position: where receiving resumes
     * @param unrecordedBytes how far the client's sequence is beyond it
     */
    record Synchronized(ConnectionCheckpoint checkpoint, TcpHeader reply, long sendPosition, long receivePosition,
                        long unrecordedBytes) implements ProbeOutcome {}

    /**
     * The client's sequence is before the checkpointed receive position: the checkpoint claims bytes the client
     * never sent. Nothing can be trusted, so the connection is reset.
     */
    record Behind(ConnectionCheckpoint checkpoint, TcpHeader reply, long missingBytes) implements ProbeOutcome {}

    /** The client answered with a reset: it is gone already. */
    record ClientReset(ConnectionCheckpoint checkpoint) implements ProbeOutcome {}

    /** No answer after every retry: the client is gone or unreachable; the connection is dropped. */
    record Silent(ConnectionCheckpoint checkpoint) implements ProbeOutcome {}
}
