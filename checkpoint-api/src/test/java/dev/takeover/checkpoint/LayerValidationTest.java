package dev.takeover.checkpoint;

import static dev.takeover.checkpoint.CheckpointFixtures.id;
import static dev.takeover.checkpoint.CheckpointFixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every record refuses values outside its documented range, with a message naming the field. */
class LayerValidationTest {

    private static final byte[] HEADER = "HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("mss 0", "mss", () -> new TcpLayer(0, 0, 0, false, 0, 0, false, false, 0, -1, -1)),
                bad("mss 65536", "mss", () -> new TcpLayer(0, 0, 65536, false, 0, 0, false, false, 0, -1, -1)),
                bad("window scale 15", "sendWindowScale",
                        () -> new TcpLayer(0, 0, 1460, true, 15, 0, false, false, 0, -1, -1)),
                bad("negative window scale", "recvWindowScale",
                        () -> new TcpLayer(0, 0, 1460, true, 0, -1, false, false, 0, -1, -1)),
                bad("scale without window scaling", "window scaling is off",
                        () -> new TcpLayer(0, 0, 1460, false, 7, 0, false, false, 0, -1, -1)),
                bad("timestamp without timestamps", "timestamps are off",
                        () -> new TcpLayer(0, 0, 1460, false, 0, 0, false, false, 5, -1, -1)),
                bad("timestamps without wall time", "timestampWallMillis",
                        () -> new TcpLayer(0, 0, 1460, false, 0, 0, false, true, 5, -1, -1)),
                bad("acked below -1", "ackedSendBytes",
                        () -> new TcpLayer(0, 0, 1460, false, 0, 0, false, false, 0, -1, -2)),
                bad("idle negative", "Idle", () -> new HttpLayer.Idle(-1, 0, 0)),
                bad("idle negative requests", "Idle", () -> new HttpLayer.Idle(0, 0, -1)),
                bad("negative request end", "positions", () -> responding(-1, 0, HEADER, -1, -1, -1, false, -1)),
                bad("empty header block", "headerBlock", () -> responding(0, 0, new byte[0], -1, -1, -1, false, -1)),
                bad("range last before first", "range", () -> responding(0, 0, HEADER, 10, 9, -1, false, -1)),
                bad("range with one end", "range", () -> responding(0, 0, HEADER, 10, -1, -1, false, -1)),
                bad("range with negative first", "range", () -> responding(0, 0, HEADER, -1, 5, -1, false, -1)),
                bad("body length below -1", "bodyLength", () -> responding(0, 0, HEADER, -1, -1, -2, false, -1)),
                bad("chunked with a length", "chunked", () -> responding(0, 0, HEADER, -1, -1, 10, true, -1)),
                bad("confirmed beyond the body", "bodyBytesConfirmed",
                        () -> responding(0, 0, HEADER, -1, -1, 10, false, 11)),
                bad("empty method", "method", () -> new HttpLayer.Responding(0, 0, HEADER, "", "/", HttpVersion.HTTP_1_1,
                        null, -1, -1, -1, -1, false, true, -1)),
                bad("empty owner", "ownerNode", () -> new ConnectionCheckpoint("", 1, 1, IpLayer.of(id(1)), tcp(),
                        new HttpLayer.Idle(0, 0, 0))),
                bad("negative version", "version", () -> new ConnectionCheckpoint("n", -1, 1, IpLayer.of(id(1)),
                        tcp(), new HttpLayer.Idle(0, 0, 0))),
                bad("negative time", "checkpointTimeMillis", () -> new ConnectionCheckpoint("n", 1, -1,
                        IpLayer.of(id(1)), tcp(), new HttpLayer.Idle(0, 0, 0))),
                bad("empty bundle", "no checkpoints", () -> new Bundle("b", List.of())),
                bad("empty bundle id", "bundleId", () -> Bundle.of("", CheckpointFixtures.checkpoint(id(1), "n", 1))),
                bad("bundle with a connection twice", "twice", () -> Bundle.of("b",
                        CheckpointFixtures.checkpoint(id(1), "n", 1), CheckpointFixtures.checkpoint(id(1), "n", 2))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidValuesAreRejected(String name, String messagePart, ThrowingCallable construction) {
        assertThatThrownBy(construction).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(messagePart);
    }

    @Test
    void respondingComparesHeaderBytesByContentAndKeepsItsOwnCopy() {
        byte[] header = HEADER.clone();
        HttpLayer.Responding a = responding(0, 0, header, -1, -1, -1, false, -1);
        HttpLayer.Responding b = responding(0, 0, HEADER.clone(), -1, -1, -1, false, -1);

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        header[0] = 'X';
        assertThat(a).as("the caller's array changed, not the record").isEqualTo(b);
        a.headerBlock()[0] = 'X';
        assertThat(a).as("the returned array is a copy").isEqualTo(b);
        assertThat(a).isNotEqualTo(responding(0, 0, "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                -1, -1, -1, false, -1));
        assertThat(a.toString()).contains("headerBlock=" + HEADER.length + " bytes").doesNotContain("[B@");
    }

    @Test
    void respondingDerivedPositions() {
        HttpLayer.Responding r = responding(100, 1000, HEADER, 5, 9, 5, false, -1);

        assertThat(r.bodyStartSendPos()).isEqualTo(1000 + HEADER.length);
        assertThat(r.isRange()).isTrue();
        assertThat(r.withBodyBytesConfirmed(3).bodyBytesConfirmed()).isEqualTo(3);
        assertThat(responding(0, 0, HEADER, -1, -1, 5, false, -1).isRange()).isFalse();
    }

    @Test
    void tcpLayerConvertsPositionsAcrossTheWrap() {
        TcpLayer t = new TcpLayer(0xFFFF_FFF0, 0x10, 1460, false, 0, 0, false, false, 0, -1, -1);

        assertThat(t.sendSeq(0)).isEqualTo(0xFFFF_FFF0);
        assertThat(t.sendSeq(0x20)).isEqualTo(0x10);
        assertThat(t.sendSeq(1L << 32)).isEqualTo(0xFFFF_FFF0);
        assertThat(t.recvSeq(5)).isEqualTo(0x15);
        assertThat(t.sendBytes(0x10, 0)).isEqualTo(0x20);
        assertThat(t.sendBytes(0x10, 3L << 32)).isEqualTo((3L << 32) + 0x20);
        assertThat(t.recvBytes(0x15, 7)).isEqualTo(5);
        assertThat(t.withAckedSendBytes(99).ackedSendBytes()).isEqualTo(99);
    }

    @Test
    void checkpointIdIsTheIpLayersTuple() {
        var c = CheckpointFixtures.checkpoint(id(42), "n", 1);

        assertThat(c.id()).isEqualTo(id(42));
        assertThat(c.vip()).isEqualTo(CheckpointFixtures.VIP_A);
        var next = c.next("m", 5, tcp(), new HttpLayer.Idle(1, 1, 1));
        assertThat(next.version()).isEqualTo(2);
        assertThat(next.ownerNode()).isEqualTo("m");
        assertThat(next.id()).isEqualTo(id(42));
    }

    @Test
    void bundleCopiesItsList() {
        var list = new java.util.ArrayList<>(List.of(CheckpointFixtures.checkpoint(id(1), "n", 1)));
        Bundle b = new Bundle("b", list);
        list.add(CheckpointFixtures.checkpoint(id(2), "n", 1));

        assertThat(b.checkpoints()).hasSize(1);
        assertThat(b.ids()).containsExactly(id(1));
    }

    private static Arguments bad(String name, String messagePart, ThrowingCallable construction) {
        return Arguments.of(name, messagePart, construction);
    }

    private static HttpLayer.Responding responding(long requestEnd, long responseStart, byte[] header, long first,
                                                   long last, long length, boolean chunked, long confirmed) {
        return new HttpLayer.Responding(requestEnd, responseStart, header, "GET", "/", HttpVersion.HTTP_1_1, null,
                -1, first, last, length, chunked, true, confirmed);
    }
}
