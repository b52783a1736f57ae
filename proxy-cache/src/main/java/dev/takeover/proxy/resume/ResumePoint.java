package dev.takeover.proxy.resume;

import dev.takeover.checkpoint.ConnectionCheckpoint;
import java.util.Objects;

/**
 * Where a connection taken over from another node stands: its last checkpoint, and the positions
 * the client's answer to the probe fixed (byte counts since the connection started).
 *
 * @param checkpoint      the dead owner's last checkpoint of the connection
 * @param sendPosition    the client's acknowledgment: the first byte it has not received
 * @param receivePosition the client's sequence: the first byte it has not sent (equal to the
 *                        checkpointed receive position, or the connection would have been reset)
 */
public record ResumePoint(ConnectionCheckpoint checkpoint, long sendPosition, long receivePosition) {
    public ResumePoint {
        Objects.requireNonNull(checkpoint, "checkpoint");
        if (sendPosition < 0 || receivePosition < 0) {
            throw new IllegalArgumentException("positions must not be negative: " + sendPosition + ", " + receivePosition);
        }
    }
}
