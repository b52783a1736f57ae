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
 * <p>{@link #up} first removes every {@code tko-} namespace left by an earlier run (their processes
 * are killed), so it can always be repeated. Needs root ({@code ip netns}).
 */
public final class LabNetwork {
    private final LabLayout layout;

    public LabNetwork(LabLayout layout) {
        this.layout = layout;
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
