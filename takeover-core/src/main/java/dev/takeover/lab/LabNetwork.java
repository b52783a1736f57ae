package dev.takeover.lab;

import static dev.takeover.lab.LabLayout.BRIDGE;
import static dev.takeover.lab.LabLayout.LAN;

import java.util.Arrays;
import java.util.List;

/**
 * The lab's network: one namespace per host, each with a veth pair whose other end is a port of the
 * bridge in {@value LabLayout#LAN}. Nothing is connected to the machine's own interfaces and no
 * namespace has a default route, so lab traffic cannot leave the lab.
 *
 * <p>Each node reaches the other nodes by a route of its own whose {@code rto_min} is {@link #peerRtoMin}: the cluster's
 * TCP connections carry the failure detectors' heartbeats, and the kernel's default minimum retransmission timeout
 * (200 ms, doubling at each retry) is most of the detection timeout (300 ms). On the lab's two shared cores the
 * per-CPU backlog that veth traffic queues on overflows under bulk transfers, a lost heartbeat segment then waited
 * 200-600 ms for its retransmission, and the survivors of a crash suspected each other. Traffic to the clients, the
 * origin and the VIPs keeps the kernel's default.
 *
 * <p>{@link #up} first removes every {@code tko-} namespace left by an earlier run (their processes
 * are killed), so it can always be repeated. Needs root ({@code ip netns}).
 */
public final class LabNetwork {
    /** The {@code rto_min} of the routes between nodes unless told otherwise ({@code TAKEOVER_LAB_PEER_RTO_MIN}). */
    public static final String DEFAULT_PEER_RTO_MIN = "20ms";

    private final LabLayout layout;
    private final String peerRtoMin;

    /** A network whose routes between nodes have {@link #DEFAULT_PEER_RTO_MIN}. */
    public LabNetwork(LabLayout layout) {
        this(layout, DEFAULT_PEER_RTO_MIN);
    }

    /**
     * @param peerRtoMin the {@code rto_min} of the routes between nodes, as {@code ip route} takes it ({@code 20ms});
     *                   {@code off} leaves those connections on the subnet's route, with the kernel's default
     */
    public LabNetwork(LabLayout layout, String peerRtoMin) {
        this.layout = layout;
        this.peerRtoMin = java.util.Objects.requireNonNull(peerRtoMin, "peerRtoMin").strip();
        if (!this.peerRtoMin.equals("off") && !this.peerRtoMin.matches("[1-9][0-9]*ms")) {
            throw new LabException("the routes' rto_min must be a number of milliseconds, like 20ms, or off: '"
                    + peerRtoMin + "'");
        }
    }

    /** Tears down any leftover lab, then builds namespaces, veths, bridge and addresses. */
    public void up() {
        requireRoot();
        down();
        Shell.check("ip", "netns", "add", LAN);
        Shell.check("ip", "-n", LAN, "link", "set", "lo", "up");
        Shell.check("ip", "-n", LAN, "link", "add", BRIDGE, "type", "bridge");
        Shell.check("ip", "-n", LAN, "link", "set", BRIDGE, "up");
        for (LabLayout.Host h : layout.hosts()) {
            String ns = h.namespace();
            Shell.check("ip", "netns", "add", ns);
            Shell.check("ip", "-n", ns, "link", "set", "lo", "up");
            // Create the pair inside the host's namespace, then move the bridge end over.
            Shell.check("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", h.bridgePort());
            Shell.check("ip", "-n", ns, "link", "set", h.bridgePort(), "netns", LAN);
            Shell.check("ip", "-n", LAN, "link", "set", h.bridgePort(), "master", BRIDGE);
            Shell.check("ip", "-n", LAN, "link", "set", h.bridgePort(), "up");
            Shell.check("ip", "-n", ns, "addr", "add", h.address() + "/" + LabLayout.PREFIX_LENGTH, "dev", "eth0");
            Shell.check("ip", "-n", ns, "link", "set", "eth0", "up");
        }
        if (!peerRtoMin.equals("off")) {
            for (LabLayout.Node n : layout.nodes()) {
                for (LabLayout.Node peer : layout.nodes()) {
                    if (peer != n) {
                        Shell.check("ip", "-n", n.host().namespace(), "route", "add", peer.host().address() + "/32",
                                "dev", "eth0", "rto_min", peerRtoMin);
                    }
                }
            }
        }
    }

    /** The {@code rto_min} of the route from {@code node} to {@code peer}, or "" when it has none of its own. */
    String rtoMin(LabLayout.Node node, LabLayout.Node peer) {
        Shell.Result r = Shell.run("ip", "-n", node.host().namespace(), "-o", "route", "show", peer.host().address() + "/32");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("rto_min (?:lock )?(\\S+)").matcher(r.ok() ? r.out() : "");
        return m.find() ? m.group(1) : "";
    }

    /** Kills every process in a lab namespace and deletes the lab's namespaces (only those). Idempotent. */
    public static void down() {
        for (String ns : namespaces()) {
            killAll(ns);
            Shell.run("ip", "netns", "del", ns);
        }
    }

    /** The lab's own namespace names (tests and other tools may use other {@code tko-} names). */
    private static final java.util.regex.Pattern OURS = java.util.regex.Pattern.compile(
            java.util.regex.Pattern.quote(LabLayout.PREFIX) + "(lan|origin|client|n[0-9]+)");

    /** The lab namespaces that exist now. */
    public static List<String> namespaces() {
        Shell.Result r = Shell.run("ip", "netns", "list");
        if (!r.ok()) {
            return List.of();
        }
        return Arrays.stream(r.out().split("\n")).map(l -> l.split(" ")[0].strip())
                .filter(n -> OURS.matcher(n).matches()).toList();
    }

    /** SIGKILLs every process in namespace {@code ns} and waits (up to 10 s) until they are gone. */
    static void killAll(String ns) {
        for (int attempt = 0; attempt < 100; attempt++) {
            Shell.Result pids = Shell.run("ip", "netns", "pids", ns);
            if (!pids.ok() || pids.out().isBlank()) {
                return;
            }
            for (String pid : pids.out().split("\\s+")) {
                if (!pid.isBlank()) {
                    Shell.run("kill", "-9", pid);
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> p.onExit().orTimeout(1, java.util.concurrent.TimeUnit.SECONDS)
                            .exceptionally(t -> null).join());
                }
            }
            Lab.sleep(100);
        }
        throw new LabException("processes in " + ns + " survive kill -9");
    }

    /** Cuts a host off the bridge (its own interface stays up, as when a cable or a switch port dies). */
    public void cut(LabLayout.Host h) {
        Shell.check("ip", "-n", LAN, "link", "set", h.bridgePort(), "down");
    }

    public void restore(LabLayout.Host h) {
        Shell.check("ip", "-n", LAN, "link", "set", h.bridgePort(), "up");
    }

    /** Whether the host's bridge port is up. */
    public boolean linkUp(LabLayout.Host h) {
        Shell.Result r = Shell.run("ip", "-n", LAN, "-o", "link", "show", h.bridgePort());
        // The flags between < and > hold UP when the port is administratively up.
        return r.ok() && r.out().matches("(?s)[^<]*<[^>]*\\bUP\\b[^>]*>.*");
    }

    /** The IPv4 addresses on the host's {@code eth0}, without prefix lengths. */
    public List<String> addresses(LabLayout.Host h) {
        Shell.Result r = Shell.run("ip", "-n", h.namespace(), "-4", "-o", "addr", "show", "dev", "eth0");
        if (!r.ok()) {
            return List.of();
        }
        return Arrays.stream(r.out().split("\n")).filter(l -> l.contains(" inet "))
                .map(l -> l.substring(l.indexOf(" inet ") + 6).split("[/ ]")[0]).toList();
    }

    static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name")) && !Shell.run("id", "-u").out().strip().equals("0")) {
            throw new LabException("the lab builds network namespaces: run it as root");
        }
        if (!Shell.run("ip", "-V").ok()) {
            throw new LabException("the lab needs iproute2 (apt-get install iproute2)");
        }
    }
}
