package dev.takeover.checkpoint;

/** A listener's subscription; {@link #close()} ends it. */
@FunctionalInterface
public interface Registration extends AutoCloseable {

    /**
     * Stops delivery to the listener. Idempotent. An event already being delivered may still arrive on another
     * thread, but no event of a change made after this method returns will.
     */
    @Override
    void close();
}
