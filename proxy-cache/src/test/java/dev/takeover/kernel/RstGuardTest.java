package dev.takeover.kernel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static dev.takeover.kernel.TcpCodecTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The nftables guard, installed in a namespace of its own; its effect on RSTs is shown by the namespace takeover. */
class RstGuardTest {

    private static final FourTuple ONE = new FourTuple(ip("198.18.77.100"), 8080, ip("198.18.77.2"), 40000);
    private static final FourTuple TWO = new FourTuple(ip("198.18.77.100"), 8080, ip("198.18.77.3"), 40001);

    private static Netns ns;

    @BeforeAll
    static void namespace() throws IOException {
        Privileges.assumeNetworkAdmin();
        Privileges.assumeCommands("ip", "nft");
        Netns.deleteLeftovers();
        ns = Netns.create("nft");
    }

    @AfterAll
    static void removeNamespace() throws IOException {
        if (ns != null) {
            ns.close();
        }
    }

    @BeforeEach
    void noTable() throws IOException {
        RstGuard.install(ns.command()).removeAll();
    }

    private static String set(String name) throws IOException {
        return ns.exec(null, "nft", "list", "set", "inet", RstGuard.TABLE, name);
    }

    @Test
    void installCreatesTheRulesOnceAndKeepsGuardsAcrossReinstall() throws IOException {
        RstGuard guard = RstGuard.install(ns.command());
        guard.guardAddress(ip("198.18.77.100"));
        RstGuard.install(ns.command());

        String table = ns.exec(null, "nft", "list", "table", "inet", RstGuard.TABLE);
        assertThat(table).containsOnlyOnce("ip saddr @vips drop")
                .containsOnlyOnce("ip saddr . tcp sport . ip daddr . tcp dport @connections drop")
                .contains("hook output");
        assertThat(set("vips")).contains("198.18.77.100");
    }

    @Test
    void guardsAndReleasesAddressesIdempotently() throws IOException {
        RstGuard guard = RstGuard.install(ns.command());

        guard.guardAddress(ip("198.18.77.100"));
        guard.guardAddress(ip("198.18.77.100"));
        guard.guardAddress(ip("198.18.77.101"));
        assertThat(set("vips")).contains("198.18.77.100", "198.18.77.101");

        guard.releaseAddress(ip("198.18.77.100"));
        guard.releaseAddress(ip("198.18.77.100"));
        assertThat(set("vips")).doesNotContain("198.18.77.100").contains("198.18.77.101");
    }

    @Test
    void guardsManyAddressesInOneTransaction() throws IOException {
        RstGuard guard = RstGuard.install(ns.command());
        guard.guardAddress(ip("198.18.77.101"));

        guard.guardAddresses(List.of(ip("198.18.77.101"), ip("198.18.77.102"), ip("198.18.77.103")));
        guard.guardAddresses(List.of());

        assertThat(set("vips")).contains("198.18.77.101", "198.18.77.102", "198.18.77.103");
    }

    @Test
    void guardsAndReleasesConnectionsByFourTuple() throws IOException {
        RstGuard guard = RstGuard.install(ns.command());

        guard.guardConnections(List.of(ONE, TWO));
        guard.guardConnection(ONE);
        assertThat(set("connections")).contains("198.18.77.100 . 8080 . 198.18.77.2 . 40000",
                "198.18.77.100 . 8080 . 198.18.77.3 . 40001");

        guard.releaseConnection(ONE);
        guard.releaseConnections(List.of(ONE));
        assertThat(set("connections")).doesNotContain("198.18.77.2 . 40000").contains("198.18.77.3 . 40001");

        guard.releaseConnections(List.of());
        guard.guardConnections(List.of());
    }

    @Test
    void removeAllDeletesTheTableAndToleratesItsAbsence() throws IOException {
        RstGuard guard = RstGuard.install(ns.command());
        guard.guardConnection(ONE);

        guard.removeAll();
        guard.removeAll();

        assertThat(ns.exec(null, "nft", "list", "tables")).doesNotContain(RstGuard.TABLE);
    }

    @Test
    void failuresNameTheCommandAndNftsMessage() throws IOException {
        RstGuard guard = RstGuard.install(ns.command());
        guard.removeAll(); // the sets are gone: adding an element must fail

        assertThatThrownBy(() -> guard.guardConnection(ONE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("nft -f - failed (exit 1)")
                .hasMessageContaining("No such file or directory");
    }
}
