package dev.takeover.checkpoint;

/**
 * Receives the changes of a {@link CheckpointStore}. See {@link CheckpointStore#addListener} for when and on which
 * thread events arrive.
 */
@FunctionalInterface
public interface CheckpointListener {

    /**
     * Called once per change, after the change is visible to readers. Must not block; an exception thrown here is
     * logged and does not affect the store, the write, or other listeners.
     */
    void onEvent(CheckpointEvent event);
}
