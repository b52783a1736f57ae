package dev.takeover.checkpoint;

/**
 * A store operation could not be completed (cluster unreachable, timeout, store closed underneath). The operation's
 * effect is unknown: it may or may not have been applied. Every write of {@link CheckpointStore} can be retried
 * safely with the same arguments; see there.
 */
public class CheckpointStoreException extends RuntimeException {

    public CheckpointStoreException(String message) {
        super(message);
    }

    public CheckpointStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
