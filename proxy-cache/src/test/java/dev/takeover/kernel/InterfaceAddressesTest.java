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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
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

    @Test
    void aRequestCarriesTheAddressAsLocalAndPeerWithItsPrefixAndInterface() {
        byte[] m = AddressNetlink.message(AddressNetlink.RTM_NEWADDR, 0x505, 7, 3, ip("198.18.77.100"), 24);
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.nativeOrder());

        assertThat(m).hasSize(AddressNetlink.REQUEST_BYTES);
        assertThat(b.getInt(0)).as("nlmsg_len").isEqualTo(40);
        assertThat(b.getShort(4)).as("nlmsg_type").isEqualTo((short) 20);
        assertThat(b.getShort(6)).as("nlmsg_flags").isEqualTo((short) 0x505);
        assertThat(b.getInt(8)).as("nlmsg_seq").isEqualTo(7);
        assertThat(b.getInt(12)).as("nlmsg_pid: the kernel").isZero();
        assertThat(new byte[] {m[16], m[17], m[18], m[19]}).as("family, prefix, flags, scope")
                .containsExactly(2, 24, 0, 0);
        assertThat(b.getInt(20)).as("ifa_index").isEqualTo(3);
        for (int at : new int[] {24, 32}) {
            assertThat(b.getShort(at)).as("rta_len").isEqualTo((short) 8);
            assertThat(java.util.Arrays.copyOfRange(m, at + 4, at + 8)).containsExactly(198, 18, 77, 100);
        }
        assertThat(b.getShort(26)).as("IFA_LOCAL").isEqualTo((short) 2);
        assertThat(b.getShort(34)).as("IFA_ADDRESS").isEqualTo((short) 1);
    }

    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of("acknowledgment", List.of(error(9, 0)), 9, 0),
                Arguments.of("refusal: EEXIST", List.of(error(9, -17)), 9, -17),
                Arguments.of("an answer to another request only", List.of(error(8, -17)), 9, 1),
                Arguments.of("the answer after another message", List.of(other(9), error(9, -1)), 9, -1),
                Arguments.of("nothing", List.of(), 9, 1),
                Arguments.of("a header claiming more bytes than arrived", List.of(truncated(9)), 9, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void theAnswerToARequestIsFoundByItsSequenceNumber(String what, List<byte[]> messages, int sequence, int expected) {
        ByteBuffer datagram = ByteBuffer.allocate(messages.stream().mapToInt(a -> a.length).sum());
        messages.forEach(datagram::put);
        assertThat(AddressNetlink.errorFor(datagram.array(), sequence)).isEqualTo(expected);
    }

    /** An {@code NLMSG_ERROR} message: header, error, and (as the kernel sends) the request's header. */
    private static byte[] error(int sequence, int error) {
        return ByteBuffer.allocate(36).order(ByteOrder.nativeOrder())
                .putInt(36).putShort((short) 2).putShort((short) 0).putInt(sequence).putInt(0).putInt(error).array();
    }

    private static byte[] other(int sequence) {
        return ByteBuffer.allocate(20).order(ByteOrder.nativeOrder())
                .putInt(20).putShort((short) 16).putShort((short) 0).putInt(sequence).putInt(0).array();
    }

    private static byte[] truncated(int sequence) {
        return ByteBuffer.allocate(20).order(ByteOrder.nativeOrder())
                .putInt(36).putShort((short) 2).putShort((short) 0).putInt(sequence).putInt(0).putInt(0).array();
    }

    /** Live: an interface in a namespace of its own, the requests sent from a child JVM inside it. */
    @Nested
    class Live {

        private static Netns ns;

        @BeforeAll
        static void namespace() throws IOException {
            Privileges.assumeNetworkAdmin();
            Privileges.assumeCommands("ip");
            Netns.deleteLeftovers();
            ns = Netns.create("ifa");
            ns.ip("link", "add", "dummy0", "type", "veth", "peer", "name", "dummy1"); // veth: no module needed
            ns.ip("link", "set", "dummy0", "up");
        }

        @AfterAll
        static void removeNamespace() throws IOException {
            if (ns != null) {
                ns.close();
            }
        }

        @Test
        void addAndRemoveAreIdempotentAndTheAddressIsUsableInBetween() throws Exception {
            try (Child child = Child.start("addresses", ns, NsAddresses.class, "dummy0", "198.18.77.100", "24")) {
                child.awaitLine("done"::equals, Duration.ofSeconds(60));
                List<String> lines = child.lines();
                assertThat(lines).containsSubsequence(
                        "added twice: [198.18.77.100/24]",
                        "removed twice: []",
                        "unknown interface, add: if_nametoindex(nosuch0) failed: ENODEV (19)",
                        "unknown interface, remove: if_nametoindex(nosuch0) failed: ENODEV (19)");
                assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("bound: /198.18.77.100:"));
            }
            assertThat(ns.ip("-4", "-o", "addr", "show", "dev", "dummy0")).doesNotContain("198.18.77.100");
        }
    }
}
