package dev.takeover.probe;

import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.kernel.TcpHeader;

/** What the client's answer to the old-sequence ACK says about one connection. */
public sealed interface ProbeOutcome {
    ConnectionCheckpoint checkpoint();

    /**
     * The client answered and sent nothing beyond the checkpoint: the connection continues from its
     * positions (byte counts since the connection started).
     *
     * @param reply           the client's segment
     * @param sendPosition    the client's acknowledgment: where sending resumes
     * @param receivePosition the client's sequence: the checkpointed receive position
     */
    record Synchronized(ConnectionCheckpoint checkpoint, TcpHeader reply, long sendPosition, long receivePosition)
            implements ProbeOutcome {}

    /**
     * The client sent bytes nobody recorded (a request the dead node received but had not checkpointed,
     * or had not received): they cannot be answered, so the connection is reset.
     */
    record Unrecorded(ConnectionCheckpoint checkpoint, TcpHeader reply, long unrecordedBytes) implements ProbeOutcome {}

    /** The client answered with a reset: it is gone already. */
    record ClientReset(ConnectionCheckpoint checkpoint) implements ProbeOutcome {}

    /** No answer after every retry: the client is gone or unreachable; the connection is dropped. */
    record Silent(ConnectionCheckpoint checkpoint) implements ProbeOutcome {}
}
