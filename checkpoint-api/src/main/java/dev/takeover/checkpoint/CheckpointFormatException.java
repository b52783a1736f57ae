package dev.takeover.checkpoint;

/**
 * Bytes given to {@link CheckpointCodec#decode} are not a checkpoint this version can read: truncated, corrupt
 * (checksum mismatch), of an unknown format version, or holding values out of range. The message says which.
 */
public class CheckpointFormatException extends RuntimeException {

    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
