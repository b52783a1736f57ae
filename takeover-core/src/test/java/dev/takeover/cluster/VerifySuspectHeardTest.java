package dev.takeover.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.stack.Protocol;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A heartbeat heard again (UNSUSPECT from the failure detector below) drops that member's pending verification. */
class VerifySuspectHeardTest {

    /** Opens the suspects list to the test, as the parent's own {@code SUSPECT} handling fills it. */
    static final class Verifying extends VerifySuspectHeard {
        Verifying() {
            super(new VERIFY_SUSPECT2().setTimeout(100));
        }

        void verifying(Address member) {
            addSuspects(List.of(member));
        }
    }

    /** The protocol above: what comes up. */
    static final class Above extends Protocol {
        final List<Event> events = new ArrayList<>();

        @Override
        public Object up(Event evt) {
            events.add(evt);
            return null;
        }
    }

    private final Address n1 = UUID.randomUUID();
    private final Address n2 = UUID.randomUUID();
    private Verifying verify;
    private Above above;

    @BeforeEach
    void stack() {
        verify = new Verifying();
        above = new Above();
        verify.setUpProtocol(above);
    }

    @Test
    void aMemberHeardAgainIsNoLongerVerified() {
        verify.verifying(n1);
        verify.verifying(n2);
        verify.up(new Event(Event.UNSUSPECT, n1));
        assertThat(verify.getSuspects()).doesNotContain(n1.toString()).contains(n2.toString());
        assertThat(above.events).extracting(Event::getType).containsExactly(Event.UNSUSPECT);
    }

    @Test
    void anUnsuspectOfAMemberNotUnderVerificationOnlyPassesUp() {
        verify.verifying(n2);
        verify.up(new Event(Event.UNSUSPECT, n1));
        assertThat(verify.getSuspects()).contains(n2.toString());
        assertThat(above.events).singleElement().extracting(Event::arg).isEqualTo(n1);
    }

    @Test
    void takesTheTimeoutAndTheIdOfTheProtocolItReplaces() {
        assertThat(verify.getTimeout()).isEqualTo(100);
        assertThat(verify.getId()).isEqualTo(new VERIFY_SUSPECT2().getId());
    }
}
