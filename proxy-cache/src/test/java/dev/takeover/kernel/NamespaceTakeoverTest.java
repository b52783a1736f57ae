package dev.takeover.kernel;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole crash-takeover path across three network namespaces on one bridge, as the probe script
 * {@code tcp-takeover-probe.sh} does, with this package's API: node A serves a stream on the virtual IP and
 * checkpoints; A's host "crashes" (link down, then SIGKILL); node B guards, claims the address, announces it,
 * probes, rebuilds and finishes the stream; the client checks every byte and a clean end.
 *
 * <p>Addresses are 198.18.77.0/24 only, inside namespaces named {@code tko-kt-<pid>-*} with no default route.
 * A, B and the client are child JVMs ({@link NsServer}, {@link NsSurvivor}, {@link NsClient}).
 */
class NamespaceTakeoverTest {

    private static final String VIP = "198.18.77.100";
    private static final String PORT = "8080";
    private static final long TOTAL = 16L << 20;
    private static final long CRASH_AFTER_ACKED = 1L << 20;

    private static final List<Netns> namespaces = new ArrayList<>();
    private static final List<Child> children = new ArrayList<>();
    private static Path work;
    private static Netns lan;
    private static Netns client;
    private static Netns nodeA;
    private static Netns nodeB;

    @BeforeAll
    static void network() throws IOException {
        Privileges.assumeNetworkAdmin();
        Privileges.assumeCommands("ip", "nft");
        assumeTrue(Epoll.isAvailable(), "needs netty's native epoll transport");
        assumeTrue(Capabilities.canRepair(), "needs TCP_REPAIR");
        Netns.deleteLeftovers();
        work = Files.createTempDirectory(Netns.PREFIX);
        lan = track(Netns.create("lan"));
        lan.ip("link", "add", "br0", "type", "bridge");
        lan.ip("link", "set", "br0", "up");
        client = host("c", "198.18.77.2/24");
        nodeA = host("a", "198.18.77.11/24");
        nodeA.ip("addr", "add", VIP + "/24", "dev", "eth0");
        nodeB = host("b", "198.18.77.12/24");
    }

    private static Netns track(Netns ns) {
        namespaces.add(ns);
        return ns;
    }

    /** A namespace with {@code eth0} plugged into the bridge (the veth is created in place: never in the host's). */
    private static Netns host(String suffix, String address) throws IOException {
        Netns ns = track(Netns.create(suffix));
        String port = "v" + suffix;
        ns.ip("link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", lan.name());
        lan.ip("link", "set", port, "master", "br0");
        lan.ip("link", "set", port, "up");
        ns.ip("addr", "add", address, "dev", "eth0");
        ns.ip("link", "set", "eth0", "up");
        return ns;
    }

    @AfterAll
    static void teardown() throws Exception {
        for (Child child : children) {
            child.close();
        }
        for (Netns ns : namespaces.reversed()) {
            ns.delete();
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static Child start(String name, Netns ns, Class<?> main, String... args) throws IOException {
        Child child = Child.start(name, ns, main, args);
        children.add(child);
        return child;
    }

    @Test
    void survivorTakesTheConnectionOverMidStream() throws Exception {
        Path checkpoint = work.resolve("checkpoint.properties");
        Child survivor = start("B", nodeB, NsSurvivor.class, checkpoint.toString(), "eth0", VIP, "24",
                Long.toString(TOTAL), "198.18.77.12");
        survivor.awaitLine(line -> line.startsWith("ready"), Duration.ofSeconds(20));
        Child server = start("A", nodeA, NsServer.class, VIP, PORT, Long.toString(TOTAL), checkpoint.toString());
        server.awaitLine("listening"::equals, Duration.ofSeconds(20));
        Child reader = start("client", client, NsClient.class, VIP, PORT, Long.toString(TOTAL));

        LoopbackConnection.await("a checkpoint past " + CRASH_AFTER_ACKED + " acknowledged bytes",
                Duration.ofSeconds(20),
                () -> Files.exists(checkpoint) && Checkpoint.read(checkpoint).bytesAcked() >= CRASH_AFTER_ACKED);
        // the host crashes: network first, so the dying kernel's FIN or RST cannot reach the client
        long crash = System.nanoTime();
        nodeA.ip("link", "set", "eth0", "down");
        long linkDown = System.nanoTime();
        server.kill();
        long killed = System.nanoTime();
        Checkpoint atCrash = Checkpoint.read(checkpoint);
        survivor.send("go");
        System.out.printf("crash: link down in %.1f ms, A killed %.1f ms later, go sent %.1f ms later%n",
                (linkDown - crash) / 1e6, (killed - linkDown) / 1e6, (System.nanoTime() - killed) / 1e6);

        assertThat(reader.exitStatus(Duration.ofSeconds(40))).as("client exit status").isZero();
        assertThat(reader.lines()).anyMatch(line -> line.startsWith("client-ok bytes=" + TOTAL + " "));
        assertThat(survivor.exitStatus(Duration.ofSeconds(45))).as("survivor exit status").isZero();

        String report = survivor.awaitLine(line -> line.startsWith("takeover "), Duration.ZERO);
        long offset = Long.parseLong(field(report, "offset"));
        // the stream resumed where the client's acknowledgment said, at or after the last checkpoint
        assertThat(offset).isBetween(atCrash.bytesAcked(), atCrash.bytesWritten() + 1L * (4 << 20));
        // the gratuitous ARP moved the client's neighbour entry for the address to B
        String macB = field(nodeB.ip("link", "show", "eth0"), "link/ether");
        assertThat(client.ip("neigh", "show", VIP)).contains(macB);
        // the guard is gone again
        assertThat(nodeB.exec(null, "nft", "list", "tables")).doesNotContain(RstGuard.TABLE);

        System.out.println("client counters: " + counters(client) + "\nsurvivor counters: " + counters(nodeB));
        System.out.printf("namespace takeover: probe reply %s ms, rebuild %s ms, go to rebuilt %s ms, %s%n",
                field(report, "probe-reply-ms"), field(report, "rebuild-ms"), field(report, "go-to-rebuilt-ms"),
                reader.lines().getLast());
    }

    /** The TCP counters that explain a stall (retransmissions, PAWS drops), or why they are unavailable. */
    private static String counters(Netns ns) {
        try {
            return ns.exec(null, "nstat", "-az").lines()
                    .filter(l -> l.matches("(TcpRetransSegs|TcpExtTCPTimeouts|TcpExtPAWSEstab|TcpExtTCPACKSkippedPAWS"
                            + "|TcpExtTCPACKSkippedSeq|TcpExtTCPLossProbes|TcpExtTCPSpuriousRTOs|TcpOutRsts"
                            + "|TcpExtTCPDSACKRecv|TcpExtTCPOFOQueue)\\s.*"))
                    .map(l -> l.replaceAll("\\s+", "=").replaceAll("=0\\.0$", "")).toList().toString();
        } catch (IOException e) {
            return "(nstat unavailable: " + e.getMessage() + ")";
        }
    }

    private static String field(String text, String key) {
        Matcher m = Pattern.compile(Pattern.quote(key) + "[= ](\\S+)").matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + key + " in: " + text);
        }
        return m.group(1);
    }
}
