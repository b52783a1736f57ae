package dev.takeover.kernel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HexFormat;

import static dev.takeover.kernel.TcpCodecTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GratuitousArpTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void frameIsABroadcastArpRequestWhoseSenderAndTargetAreTheClaimedAddress() {
        byte[] mac = HEX.parseHex("02aabbccddee");

        byte[] frame = GratuitousArp.frame(mac, ip("198.18.77.100"));

        assertThat(HEX.formatHex(frame)).isEqualTo(
                "ffffffffffff" + "02aabbccddee" + "0806"   // Ethernet: broadcast, from us, ARP
                        + "0001" + "0800" + "06" + "04"        // Ethernet hardware, IPv4, lengths 6 and 4
                        + "0001"                               // request
                        + "02aabbccddee" + "c6124d64"          // sender: our MAC, 198.18.77.100
                        + "000000000000" + "c6124d64"          // target: unknown MAC, the same address
                        + "00".repeat(18));                    // padding to the 60-byte minimum
        assertThat(frame).hasSize(60);
    }

    @Test
    void sendNeedsAnEthernetInterface() {
        Privileges.assumeNetworkAdmin();

        assertThatThrownBy(() -> GratuitousArp.send("lo", ip("127.0.0.1")))
                .isInstanceOf(IOException.class).isNotInstanceOf(KernelException.class)
                .hasMessageContaining("lo is not an Ethernet interface");
        assertThatThrownBy(() -> GratuitousArp.send("nosuch0", ip("127.0.0.1")))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errnoName()).isEqualTo("ENODEV"));
    }

    @Test
    void rejectsAMacOfTheWrongLength() {
        assertThatThrownBy(() -> GratuitousArp.frame(new byte[5], ip("198.18.77.100")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 bytes");
    }
}
