package dev.takeover.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces for a cluster test: {@code tko-ct-<pid>-n1..nN}, each with {@code eth0} at
 * {@code 198.18.66.(10+i)/24}, joined by a bridge in {@code tko-ct-<pid>-br}. Nothing else on the machine is
 * touched: no address outside 198.18.66.0/24, no default route, no change in the root namespace. Setup and
 * teardown are idempotent.
 */
final class Netns implements AutoCloseable {

    static final String SUBNET_PREFIX = "198.18.66.";

    private final String base;
    private final int nodes;

    private Netns(String base, int nodes) {
        this.base = base;
        this.nodes = nodes;
    }

    /** @return whether this process may create namespaces: root, with the {@code ip} tool */
    static boolean available() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        try {
            return run(false, "ip", "netns", "list") == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Creates the namespaces (removing leftovers of an earlier run of this process id first). */
    static Netns create(int nodes) {
        Netns n = new Netns("tko-ct-" + ProcessHandle.current().pid(), nodes);
        n.close();
        String br = n.bridge();
        run(true, "ip", "netns", "add", br);
        run(true, "ip", "-n", br, "link", "add", "br0", "type", "bridge");
        run(true, "ip", "-n", br, "link", "set", "br0", "up");
        for (int i = 1; i <= nodes; i++) {
            String ns = n.node(i);
            run(true, "ip", "netns", "add", ns);
            run(true, "ip", "-n", br, "link", "add", "v" + i, "type", "veth", "peer", "name", "eth0", "netns", ns);
            run(true, "ip", "-n", br, "link", "set", "v" + i, "master", "br0", "up");
            run(true, "ip", "-n", ns, "addr", "add", n.address(i) + "/24", "dev", "eth0");
            run(true, "ip", "-n", ns, "link", "set", "lo", "up");
            run(true, "ip", "-n", ns, "link", "set", "eth0", "up");
        }
        return n;
    }

    String bridge() {
        return base + "-br";
    }

    /** @return the namespace of node {@code i} (1-based) */
    String node(int i) {
        return base + "-n" + i;
    }

    /** @return node {@code i}'s address */
    String address(int i) {
        return SUBNET_PREFIX + (10 + i);
    }

    List<String> addresses() {
        List<String> a = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            a.add(address(i));
        }
        return a;
    }

    /** @return the command prefix that runs a program in node {@code i}'s namespace */
    List<String> exec(int i) {
        return List.of("ip", "netns", "exec", node(i));
    }

    /** Takes node {@code i}'s only interface down or up, inside its namespace. */
    void link(int i, boolean up) {
        run(true, "ip", "-n", node(i), "link", "set", "eth0", up ? "up" : "down");
    }

    /** Deletes the namespaces, and with them their interfaces; missing ones are skipped. */
    @Override
    public void close() {
        for (int i = 1; i <= nodes; i++) {
            run(false, "ip", "netns", "del", node(i));
        }
        run(false, "ip", "netns", "del", bridge());
    }

    private static int run(boolean check, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " hung");
            }
            if (check && p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
            }
            return p.exitValue();
        } catch (IOException e) {
            if (check) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + e, e);
            }
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
