package dev.takeover.cluster;

import dev.takeover.config.CheckpointConfig;
import dev.takeover.config.ClusterConfig;
import dev.takeover.config.ClusterConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Cluster files for tests: nodes {@code n1..nK} at given addresses, a free JGroups port, defaults elsewhere. */
public final class TestClusters {

    private TestClusters() {
    }

    /**
     * @param name        the cluster name
     * @param addresses   one IPv4 address per node, already configured on the machine (or namespace)
     * @param prefix      the subnet prefix of those addresses
     * @param iface       the interface the addresses are on
     * @param port        the JGroups port
     * @param replication sync or async checkpoint replication
     * @return the YAML text of the cluster file
     */
    static String yaml(String name, List<String> addresses, int prefix, String iface, int port,
            CheckpointConfig.Replication replication) {
        return yaml(name, addresses, prefix, iface, port, replication, "");
    }

    /**
     * Failure detection for multi-process tests on a shared, loaded machine: slower than the product defaults
     * (100 ms heartbeats, 500 ms timeout, 200 ms verification), which starved test JVMs can miss and so suspect a
     * live node. {@code -Dtakeover.test.product-fd=true} runs the tests with the product defaults instead.
     */
    static String testFailureDetection() {
        return Boolean.getBoolean("takeover.test.product-fd") ? "" : """
                failure-detection:
                  heartbeat-interval: 250ms
                  timeout: 2500ms
                  verify-timeout: 500ms
                """;
    }

    /** As {@link #yaml(String, List, int, String, int, CheckpointConfig.Replication)}, plus extra YAML sections. */
    static String yaml(String name, List<String> addresses, int prefix, String iface, int port,
            CheckpointConfig.Replication replication, String extraSections) {
        StringBuilder y = new StringBuilder();
        y.append("cluster:\n  name: ").append(name).append("\n  bind-port: ").append(port).append('\n');
        y.append("nodes:\n");
        for (int i = 0; i < addresses.size(); i++) {
            y.append("  - name: n").append(i + 1).append('\n')
                    .append("    address: ").append(addresses.get(i)).append('\n')
                    .append("    prefix: ").append(prefix).append('\n')
                    .append("    interface: ").append(iface).append('\n');
        }
        y.append("origin:\n  url: http://127.0.0.1:9\n");
        y.append("checkpoint:\n  replication: ").append(replication.configValue()).append('\n');
        y.append(extraSections);
        return y.toString();
    }

    /** A cluster of {@code addresses.size()} nodes on loopback addresses. */
    public static ClusterConfig loopback(String name, List<String> addresses, CheckpointConfig.Replication replication) {
        return ClusterConfigLoader.parse(yaml(name, addresses, 8, "lo", freePort(addresses), replication), name);
    }

    /** Writes {@code yaml} to {@code dir/cluster.yaml}. */
    static Path write(Path dir, String yaml) {
        try {
            Path file = dir.resolve("cluster.yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return a TCP port that is free on every one of {@code addresses} right now */
    static int freePort(List<String> addresses) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 40_000);
            if (addresses.stream().allMatch(a -> bindable(a, port))) {
                return port;
            }
        }
        throw new IllegalStateException("no free port found on " + addresses);
    }

    private static boolean bindable(String address, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
