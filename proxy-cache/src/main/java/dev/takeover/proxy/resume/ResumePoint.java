package dev.takeover.proxy.resume;

import dev.takeover.checkpoint.ConnectionCheckpoint;
import java.util.Objects;

/**
 * Where a connection taken over from another node stands: its last checkpoint, and the positions
 * the client's answer to the probe fixed (byte counts since the connection started).
 *
 * @param checkpoint      the dead owner's last checkpoint of the connection
 * @param sendPosition    the client's acknowledgment: the first byte it has not received
 * @param receivePosition the checkpointed receive position: the first byte from the client not yet read
 * @param unrecordedBytes how many bytes the client had sent beyond it: they must arrive again
 *                        ({@link AwaitRetransmission}), or the connection is reset
 */
public record ResumePoint(ConnectionCheckpoint checkpoint, long sendPosition, long receivePosition, long unrecordedBytes) {
    public ResumePoint {
        Objects.requireNonNull(checkpoint, "checkpoint");
        if (sendPosition < 0 || receivePosition < 0 || unrecordedBytes < 0) {
            throw new IllegalArgumentException("positions must not be negative: " + sendPosition + ", " + receivePosition
                    + ", " + unrecordedBytes);
        }
    }

    /** A point whose client sent nothing beyond the checkpoint. */
    public ResumePoint(ConnectionCheckpoint checkpoint, long sendPosition, long receivePosition) {
        this(checkpoint, sendPosition, receivePosition, 0);
    }
}
