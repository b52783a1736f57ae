package dev.takeover.kernel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

import static dev.takeover.kernel.TcpCodecTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InterfaceAddressesTest {

    static Stream<Arguments> ipOutputs() {
        return Stream.of(
                Arguments.of("", List.of()),
                Arguments.of("2: eth0    inet 198.18.77.12/24 brd 198.18.77.255 scope global eth0\\"
                                + "       valid_lft forever preferred_lft forever\n"
                                + "2: eth0    inet 198.18.77.100/32 scope global eth0\\"
                                + "       valid_lft forever preferred_lft forever\n",
                        List.of(new InterfaceAddresses.Assigned(ip("198.18.77.12"), 24),
                                new InterfaceAddresses.Assigned(ip("198.18.77.100"), 32))),
                Arguments.of("1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n",
                        List.of(new InterfaceAddresses.Assigned(ip("127.0.0.1"), 8))));
    }

    @ParameterizedTest
    @MethodSource("ipOutputs")
    void parsesIpOneLineOutput(String output, List<InterfaceAddresses.Assigned> expected) {
        assertThat(InterfaceAddresses.parse(output)).isEqualTo(expected);
    }

    @Test
    void rejectsAnImpossibleAddressInTheOutput() {
        assertThatThrownBy(() -> InterfaceAddresses.parse("2: eth0 inet 300.1.1.1/24 scope global"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("300.1.1.1/24");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-n", "eth 0", "a/b", "sixteen-chars-xx", "eth0;rm"})
    void rejectsWhatIsNotAnInterfaceName(String name) {
        assertThatThrownBy(() -> InterfaceAddresses.checkName(name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsAPrefixLengthOutOfRange() {
        assertThatThrownBy(() -> new InterfaceAddresses.Assigned(ip("198.18.77.1"), 33))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefixLength");
    }

    /** Live: an interface in a namespace of its own. */
    @Nested
    class Live {

        private static Netns ns;
        private static InterfaceAddresses addresses;

        @BeforeAll
        static void namespace() throws IOException {
            Privileges.assumeNetworkAdmin();
            Privileges.assumeCommands("ip");
            Netns.deleteLeftovers();
            ns = Netns.create("ifa");
            ns.ip("link", "add", "dummy0", "type", "veth", "peer", "name", "dummy1"); // veth: no module needed
            ns.ip("link", "set", "dummy0", "up");
            addresses = new InterfaceAddresses(ns.command());
        }

        @AfterAll
        static void removeNamespace() throws IOException {
            if (ns != null) {
                ns.close();
            }
        }

        @Test
        void addAndRemoveAreIdempotent() throws IOException {
            InterfaceAddresses.Assigned vip = new InterfaceAddresses.Assigned(ip("198.18.77.100"), 24);

            addresses.add("dummy0", vip.address(), 24);
            addresses.add("dummy0", vip.address(), 24);
            assertThat(addresses.list("dummy0")).containsExactly(vip);

            addresses.remove("dummy0", vip.address(), 24);
            addresses.remove("dummy0", vip.address(), 24);
            assertThat(addresses.list("dummy0")).isEmpty();
        }

        @Test
        void anUnknownInterfaceIsAnErrorNamingTheCommand() {
            assertThatThrownBy(() -> addresses.add("nosuch0", ip("198.18.77.101"), 24))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("ip -4 addr replace 198.18.77.101/24 dev nosuch0 failed")
                    .hasMessageContaining("Cannot find device");
            assertThatThrownBy(() -> addresses.remove("nosuch0", ip("198.18.77.101"), 24))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> addresses.list("nosuch0")).isInstanceOf(IOException.class);
        }
    }
}
