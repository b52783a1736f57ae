package dev.takeover.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionIdTest {

    static Stream<ConnectionId> ids() {
        return Stream.of(
                ConnectionId.of("10.0.0.10", 80, "192.0.2.7", 51234),
                ConnectionId.of("0.0.0.0", 1, "255.255.255.255", 65535),
                ConnectionId.of("127.0.0.1", 65535, "127.0.0.1", 1));
    }

    @ParameterizedTest
    @MethodSource("ids")
    void keyFormsRoundTrip(ConnectionId id) {
        assertThat(ConnectionId.parseKey(id.key())).isEqualTo(id);
        assertThat(ConnectionId.fromBytes(id.toBytes())).isEqualTo(id);
        assertThat(id.toBytes()).hasSize(ConnectionId.BYTES);
        assertThat(IpLayer.of(id).id()).isEqualTo(id);
    }

    @Test
    void keyFormsAreAsDocumented() {
        ConnectionId id = ConnectionId.of("10.0.0.10", 80, "192.0.2.7", 51234);

        assertThat(id.key()).isEqualTo("10.0.0.10:80-192.0.2.7:51234");
        assertThat(id).hasToString("10.0.0.10:80-192.0.2.7:51234");
        assertThat(HexFormat.of().formatHex(id.toBytes())).isEqualTo("0a00000a0050c0000207c822");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.1:80", "10.0.0.1:80-192.0.2.1", "10.0.0.1-192.0.2.1:5", "10.0.0.1:x-192.0.2.1:5",
            "10.0.0.1:0-192.0.2.1:5", "10.0.0.1:80-192.0.2.1:65536", "10.0.0:80-192.0.2.1:5",
            "10.0.0.256:80-192.0.2.1:5", "example.com:80-192.0.2.1:5", "::1:80-192.0.2.1:5", "10.0.0.1:80-192.0.2.+1:5"})
    void malformedKeysAreRejected(String key) {
        assertThatThrownBy(() -> ConnectionId.parseKey(key)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void equalExactlyWhenEveryComponentIs() {
        ConnectionId id = ConnectionId.of("10.0.0.10", 80, "192.0.2.7", 51234);
        ConnectionId same = ConnectionId.fromBytes(id.toBytes());

        assertThat(same).isEqualTo(id).hasSameHashCodeAs(id).isNotSameAs(id);
        assertThat(java.util.List.of(ConnectionId.of("10.0.0.11", 80, "192.0.2.7", 51234),
                ConnectionId.of("10.0.0.10", 81, "192.0.2.7", 51234), ConnectionId.of("10.0.0.10", 80, "192.0.2.8", 51234),
                ConnectionId.of("10.0.0.10", 80, "192.0.2.7", 51235), ConnectionId.of("192.0.2.7", 51234, "10.0.0.10", 80)))
                .allSatisfy(other -> assertThat(other).isNotEqualTo(id))
                .extracting(ConnectionId::hashCode).doesNotContain(id.hashCode());
        assertThat(id).isNotEqualTo(null).isNotEqualTo(id.key());
    }

    @Test
    void wrongByteLengthIsRejected() {
        assertThatThrownBy(() -> ConnectionId.fromBytes(new byte[11])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12 bytes");
        assertThatThrownBy(() -> ConnectionId.fromBytes(new byte[12])).as("zero ports")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void portsAndAddressesAreChecked() {
        var a = ConnectionId.ipv4("10.0.0.1");
        assertThatThrownBy(() -> new ConnectionId(a, 0, a, 1)).hasMessageContaining("vipPort");
        assertThatThrownBy(() -> new ConnectionId(a, 1, a, 65536)).hasMessageContaining("clientPort");
        assertThatThrownBy(() -> new ConnectionId(null, 1, a, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new IpLayer(a, 1, a, -1)).hasMessageContaining("clientPort");
    }
}
