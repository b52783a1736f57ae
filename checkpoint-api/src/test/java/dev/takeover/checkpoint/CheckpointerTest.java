package dev.takeover.checkpoint;

import static dev.takeover.checkpoint.CheckpointFixtures.id;
import static dev.takeover.checkpoint.CheckpointFixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The layered assembly of a checkpoint: builder, per-connection checkpointer, and the HTTP layer's progress. */
class CheckpointerTest {

    private static final byte[] HEADER = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final IpLayer IP = IpLayer.of(id(1));

    @Test
    void builderNamesMissingLayers() {
        CheckpointBuilder b = new CheckpointBuilder("node-a", 1, 5).layer(IP);

        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[TCP, HTTP]");
    }

    @Test
    void builderRefusesALayerTwice() {
        CheckpointBuilder b = new CheckpointBuilder("node-a", 1, 5).layer(new HttpLayer.Idle(0, 0, 0));

        assertThatThrownBy(() -> b.layer(new HttpLayer.Idle(1, 1, 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HTTP layer appended twice");
    }

    @Test
    void eachLayerAppendsItsOwnStateAndVersionsIncrease() {
        HttpProgress http = new HttpProgress();
        Checkpointer cp = new Checkpointer("node-a", 0,
                List.of(LayerAppender.constant(IP), LayerAppender.constant(tcp()), http));

        ConnectionCheckpoint first = cp.checkpoint(1000);
        http.sent(50);
        ConnectionCheckpoint second = cp.checkpoint(2000);

        assertThat(first).isEqualTo(new ConnectionCheckpoint("node-a", 1, 1000, IP, tcp(),
                new HttpLayer.Idle(0, 0, 0)));
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.http()).isEqualTo(new HttpLayer.Idle(0, 50, 0));
        assertThat(cp.lastVersion()).isEqualTo(2);
    }

    @Test
    void aTakenOverConnectionContinuesFromTheClaimedVersion() {
        Checkpointer cp = new Checkpointer("node-b", 41,
                List.of(LayerAppender.constant(IP), LayerAppender.constant(tcp()), new HttpProgress()));

        assertThat(cp.checkpoint(1).version()).isEqualTo(42);
    }

    @Test
    void aConnectionAcceptedLaterOnTheSameFourTupleIsNewerThanEveryCheckpointOfTheEarlierOne() {
        long acceptedAt = 1_796_659_816_582L;
        Checkpointer earlier = new Checkpointer("node-a", Checkpointer.startingVersion(acceptedAt),
                List.of(LayerAppender.constant(IP), LayerAppender.constant(tcp()), new HttpProgress()));
        ConnectionCheckpoint last = null;
        for (int i = 0; i < Checkpointer.VERSIONS_PER_MILLI - 1; i++) {
            last = earlier.checkpoint(acceptedAt + i);
        }
        Checkpointer later = new Checkpointer("node-a", Checkpointer.startingVersion(acceptedAt + 1),
                List.of(LayerAppender.constant(IP), LayerAppender.constant(tcp()), new HttpProgress()));

        assertThat(later.checkpoint(acceptedAt + 1).version()).isGreaterThan(last.version());
        assertThat(Checkpointer.startingVersion(0)).isZero();
        assertThatThrownBy(() -> Checkpointer.startingVersion(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Checkpointer.startingVersion(java.time.Instant.parse("4100-01-01T00:00:00Z").toEpochMilli()))
                .isPositive();
        assertThatThrownBy(() -> Checkpointer.startingVersion(java.time.Instant.parse("4300-01-01T00:00:00Z")
                .toEpochMilli())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailedCheckpointDoesNotUseUpAVersion() {
        Checkpointer cp = new Checkpointer("node-a", 0, List.of(LayerAppender.constant(IP)));

        assertThatThrownBy(() -> cp.checkpoint(1)).isInstanceOf(IllegalStateException.class);
        assertThat(cp.lastVersion()).isZero();
    }

    @Test
    void progressFollowsARequestResponseCycle() {
        HttpProgress p = new HttpProgress();
        p.sent(0);
        HttpLayer.Responding r = respond(120, 0);

        p.responding(r);
        assertThat(p.state()).isEqualTo(r);
        p.sent(HEADER.length + 10);
        p.responseComplete();

        assertThat(p.state()).isEqualTo(new HttpLayer.Idle(120, HEADER.length + 10, 1));
        HttpLayer.Responding second = respond(200, HEADER.length + 10);
        p.responding(second);
        assertThat(p.state()).isEqualTo(second);
    }

    @Test
    void progressChecksPositionsAndOrder() {
        HttpProgress p = new HttpProgress();
        p.sent(5);

        assertThatThrownBy(() -> p.responding(respond(10, 0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 bytes were sent");
        assertThatThrownBy(p::responseComplete).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(p::confirmBody).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> p.sent(-1)).isInstanceOf(IllegalArgumentException.class);

        p.responding(respond(10, 5));
        assertThatThrownBy(() -> p.responding(respond(10, 5))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(p::responseComplete).as("header not yet sent").isInstanceOf(IllegalStateException.class);
        p.sent(HEADER.length + 10);
        p.responseComplete();
        assertThatThrownBy(() -> p.responding(respond(9, 5 + HEADER.length + 10)))
                .as("a request cannot end before the previous one").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bodyProgressIsConfirmedEveryInterval() {
        long big = 6L << 30;
        HttpProgress p = new HttpProgress();
        p.responding(new HttpLayer.Responding(100, 0, HEADER, "GET", "/big", HttpVersion.HTTP_1_1, null, -1, -1, -1,
                big, false, true, -1));

        p.sent(HEADER.length + HttpProgress.CONFIRM_INTERVAL - 1);
        assertThat(p.confirmDue()).isFalse();
        p.sent(1);
        assertThat(p.confirmDue()).isTrue();
        p.confirmBody();
        assertThat(((HttpLayer.Responding) p.state()).bodyBytesConfirmed()).isEqualTo(HttpProgress.CONFIRM_INTERVAL);
        assertThat(p.confirmDue()).isFalse();

        p.sent(big); // more than the body: confirmation stops at the body length
        p.confirmBody();
        assertThat(((HttpLayer.Responding) p.state()).bodyBytesConfirmed()).isEqualTo(big);
    }

    @Test
    void progressResumesFromACheckpointAfterTakeover() {
        HttpLayer.Responding r = respond(120, 1000);
        HttpProgress p = new HttpProgress(r, 1000 + HEADER.length + 4); // the client acknowledged 4 body bytes

        assertThat(p.state()).isEqualTo(r);
        assertThat(p.sentBytes()).isEqualTo(1000 + HEADER.length + 4);
        p.sent(6);
        p.responseComplete();
        assertThat(p.state()).isEqualTo(new HttpLayer.Idle(120, 1000 + HEADER.length + 10, 1));

        HttpProgress idle = new HttpProgress(new HttpLayer.Idle(300, 4000, 7), 4000);
        assertThat(idle.state()).isEqualTo(new HttpLayer.Idle(300, 4000, 7));
        assertThatThrownBy(() -> new HttpProgress(new HttpLayer.Idle(300, 4000, 7), 3999))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before the checkpointed");
    }

    private static HttpLayer.Responding respond(long requestEnd, long responseStart) {
        return new HttpLayer.Responding(requestEnd, responseStart, HEADER, "GET", "/x", HttpVersion.HTTP_1_1, null, -1,
                -1, -1, 10, false, true, -1);
    }
}
