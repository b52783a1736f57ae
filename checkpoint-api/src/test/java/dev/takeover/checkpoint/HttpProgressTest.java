package dev.takeover.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The HTTP layer's states as a connection moves through them: idle, requested, responding, idle. */
class HttpProgressTest {

    private static final byte[] HEAD = "GET /a HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE_HEAD = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private static HttpLayer.Responding responding(long requestEnd, long start) {
        return new HttpLayer.Responding(requestEnd, start, RESPONSE_HEAD, "GET", "/a", HttpVersion.HTTP_1_1, null, -1,
                -1, -1, 5, false, true, -1);
    }

    @Test
    void aRecordedRequestIsTheStateUntilItsResponseBeginsThenIdleCountsIt() {
        HttpProgress p = new HttpProgress();
        HttpLayer.Requested q = new HttpLayer.Requested(HEAD.length, 0, 0, HEAD);

        p.requested(q);
        assertThat(p.state()).isEqualTo(q);

        p.responding(responding(HEAD.length, 0));
        assertThat(p.state()).isInstanceOf(HttpLayer.Responding.class);
        p.sent(RESPONSE_HEAD.length + 5);
        p.responseComplete();

        assertThat(p.state()).isEqualTo(new HttpLayer.Idle(HEAD.length, RESPONSE_HEAD.length + 5, 1));
        assertThat(p.requestsServed()).isEqualTo(1);
    }

    @Test
    void aRequestCannotBeRecordedOverAResponseOrAtTheWrongPositions() {
        HttpProgress p = new HttpProgress();
        p.responding(responding(HEAD.length, 0));
        assertThatThrownBy(() -> p.requested(new HttpLayer.Requested(2L * HEAD.length, 0, 0, HEAD)))
                .isInstanceOf(IllegalStateException.class);

        HttpProgress idle = new HttpProgress(new HttpLayer.Idle(100, 50, 1), 50);
        assertThatThrownBy(() -> idle.requested(new HttpLayer.Requested(130, 49, 1, HEAD)))
                .as("the response would not start at the send position").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> idle.requested(new HttpLayer.Requested(99, 50, 1, HEAD)))
                .as("a request ending before the last one").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTakenOverRequestStaysRecordedUntilItsReplayIsRecordedAgain() {
        HttpLayer.Requested q = new HttpLayer.Requested(1000 + HEAD.length, 700, 3, HEAD);
        HttpProgress p = new HttpProgress(q, 700);
        assertThat(p.state()).as("written under the new owner as it was").isEqualTo(q);
        assertThat(p.requestsServed()).isEqualTo(3);

        p.requested(q); // the survivor's parser reports the replayed request at the same end
        p.responding(responding(q.requestEndReceivePos(), 700));
        assertThat(p.state()).isInstanceOf(HttpLayer.Responding.class);

        assertThatThrownBy(() -> new HttpProgress(q, 699)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestedRejectsBadValuesAndKeepsItsOwnCopy() {
        byte[] head = HEAD.clone();
        HttpLayer.Requested q = new HttpLayer.Requested(40, 0, 0, head);
        head[0] = 'X';
        assertThat(q.requestHead()[0]).isEqualTo((byte) 'G');
        assertThat(q.toString()).contains("GET /a HTTP/1.1");
        assertThatThrownBy(() -> new HttpLayer.Requested(-1, 0, 0, HEAD)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpLayer.Requested(1, 0, 0, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpLayer.Requested(1, 0, 0, null)).isInstanceOf(NullPointerException.class);
    }
}
