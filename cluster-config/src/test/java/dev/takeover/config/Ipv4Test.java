package dev.takeover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetSocketAddress;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4Test {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "198.18.0.11", "255.255.255.255", "10.0.100.9"})
    void parsesDottedQuads(String text) {
        Ipv4Address address = Ipv4Address.parse(text);
        assertThat(address).hasToString(text);
        assertThat(address.toInetAddress().getHostAddress()).isEqualTo(text);
    }

    static Stream<String> notAddresses() {
        return Stream.of("", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.-4", "1..2.3", "010.0.0.1", "1.2.3.4 ",
                "a.b.c.d", "1.2.3.4/24", "localhost", "::1", "1.2.3.0x1");
    }

    @ParameterizedTest
    @MethodSource("notAddresses")
    void rejectsAnythingElse(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Ipv4Address.parse(text))
                .withMessage("'" + text + "' is not an IPv4 address: expected four decimal numbers 0..255 separated"
                        + " by dots, e.g. 198.18.0.11");
    }

    @Test
    void ordersAsUnsigned() {
        assertThat(Ipv4Address.parse("200.0.0.1")).isGreaterThan(Ipv4Address.parse("100.0.0.1"));
    }

    @Test
    void subnetContainment() {
        Ipv4Subnet subnet = Ipv4Subnet.containing(Ipv4Address.parse("198.18.0.11"), 24);
        assertThat(subnet).hasToString("198.18.0.0/24");
        assertThat(subnet.contains(Ipv4Address.parse("198.18.0.200"))).isTrue();
        assertThat(subnet.contains(Ipv4Address.parse("198.18.1.5"))).isFalse();
        assertThat(subnet.broadcast()).hasToString("198.18.0.255");
        assertThat(subnet.isHostAddress(Ipv4Address.parse("198.18.0.0"))).isFalse();
        assertThat(subnet.isHostAddress(Ipv4Address.parse("198.18.0.255"))).isFalse();
        assertThat(subnet.isHostAddress(Ipv4Address.parse("198.18.0.1"))).isTrue();

        Ipv4Subnet pointToPoint = Ipv4Subnet.containing(Ipv4Address.parse("10.0.0.1"), 31);
        assertThat(pointToPoint.isHostAddress(Ipv4Address.parse("10.0.0.0"))).isTrue();
        assertThat(Ipv4Subnet.containing(Ipv4Address.parse("10.1.2.3"), 32).contains(Ipv4Address.parse("10.1.2.4")))
                .isFalse();
        assertThat(Ipv4Subnet.containing(Ipv4Address.parse("10.1.2.3"), 0).contains(Ipv4Address.parse("1.1.1.1")))
                .isTrue();
        assertThatIllegalArgumentException().isThrownBy(() -> new Ipv4Subnet(Ipv4Address.parse("10.0.0.1"), 24));
    }

    @Test
    void endpoints() {
        Ipv4Endpoint endpoint = Ipv4Endpoint.parse("127.0.0.1:8080");
        assertThat(endpoint.address()).isEqualTo(Ipv4Address.parse("127.0.0.1"));
        assertThat(endpoint.port()).isEqualTo(8080);
        assertThat(endpoint).hasToString("127.0.0.1:8080");
        assertThat(endpoint.toInetSocketAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
        assertThat(Ipv4Endpoint.parse("0.0.0.0:0").port()).isZero();
        assertThatIllegalArgumentException().isThrownBy(() -> Ipv4Endpoint.parse("0.0.0.0"))
                .withMessage("'0.0.0.0' is not an address:port pair, e.g. 0.0.0.0:80");
        assertThatIllegalArgumentException().isThrownBy(() -> Ipv4Endpoint.parse("0.0.0.0:65536"))
                .withMessage("'65536' is not a port: expected 0..65535");
        assertThatIllegalArgumentException().isThrownBy(() -> Ipv4Endpoint.parse("0.0.0.0:"))
                .withMessage("'' is not a port: expected 0..65535");
        assertThatIllegalArgumentException().isThrownBy(() -> Ipv4Endpoint.parse("host:80"))
                .withMessageStartingWith("'host' is not an IPv4 address");
    }
}
