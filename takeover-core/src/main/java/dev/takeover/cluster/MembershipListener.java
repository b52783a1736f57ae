package dev.takeover.cluster;

/**
 * Receives a node's {@link MembershipEvent}s. See {@link Membership#addListener}.
 */
@FunctionalInterface
public interface MembershipListener {

    /**
     * Called once per event, on the membership's own thread, one event at a time and in order. Should return quickly:
     * later events wait. An exception is logged and does not stop delivery.
     */
    void onEvent(MembershipEvent event);
}
