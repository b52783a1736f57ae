package dev.takeover.cluster;

import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.stack.ProtocolStack;

/**
 * {@code VERIFY_SUSPECT2} that also accepts a heartbeat as proof of life: when the failure detector below unsuspects a
 * member it has heard from again ({@code UNSUSPECT} travelling up), the member's pending verification is dropped.
 *
 * <p>{@code VERIFY_SUSPECT2} itself waits only for the answer to its own "are you dead?" message, and lets
 * {@code UNSUSPECT} pass. On a loaded two-core lab node a survivor's heartbeat was 300 ms late (suspected), then
 * arrived 72 ms later (unsuspected), but the answer came more than 100 ms after the question: the suspicion went up
 * anyway, 103 ms after the unsuspect, and the two survivors excluded each other (BENCHMARKS, "Takeover scale", session
 * 16). A dead member sends nothing, so its detection is unchanged.
 *
 * <p>Thread-safe as its parent: the suspects are guarded by its monitor.
 */
public class VerifySuspectHeard extends VERIFY_SUSPECT2 {

    /**
     * @param replaced the generated stack's {@code VERIFY_SUSPECT2}, whose timeout (the one setting the stack gives it)
     *                 this one takes; its headers carry {@code VERIFY_SUSPECT2}'s id, so that it talks to the plain
     *                 protocol of a node whose stack is hand-written
     */
    VerifySuspectHeard(VERIFY_SUSPECT2 replaced) {
        setTimeout(replaced.getTimeout());
        setId(ClassConfigurator.getProtocolId(VERIFY_SUSPECT2.class));
    }

    /** Puts a {@code VerifySuspectHeard} in place of {@code stack}'s {@code VERIFY_SUSPECT2}, if it has one. */
    static void replaceIn(ProtocolStack stack) throws Exception {
        VERIFY_SUSPECT2 plain = stack.findProtocol(VERIFY_SUSPECT2.class);
        if (plain != null && !(plain instanceof VerifySuspectHeard)) {
            VerifySuspectHeard heard = new VerifySuspectHeard(plain);
            heard.setProtocolStack(stack);
            stack.replaceProtocol(plain, heard);
        }
    }

    @Override
    public Object up(Event evt) {
        if (evt.getType() == Event.UNSUSPECT && evt.arg() instanceof Address member && removeSuspect(member)) {
            log.debug("%s: %s was heard from again; its verification is dropped", local_addr, member);
        }
        return super.up(evt);
    }
}
