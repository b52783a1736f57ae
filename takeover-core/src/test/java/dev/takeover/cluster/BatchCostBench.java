package dev.takeover.cluster;

import dev.takeover.checkpoint.CheckpointFixtures;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.checkpoint.IpLayer;
import dev.takeover.config.CheckpointConfig;
import dev.takeover.config.ClusterConfig;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.infinispan.AdvancedCache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.context.Flag;

/**
 * What one round of the write-behind queue costs the cluster, per checkpoint: three nodes in this JVM on
 * 127.0.0.1-3 (the cluster's own JGroups stack), rounds of checkpoints written from n1 one after the other, and the
 * CPU time of the whole process (all three nodes), less its idle rate, divided by the checkpoints written.
 *
 * <p>Variants: the store's transaction per round ({@link ReplicatedCheckpointStore#putEachIfNewer}), the journal's
 * message per round ({@link CheckpointJournal#putEachIfNewer}, a barrier every 50 rounds so that the replicas keep
 * up), and for scale Infinispan's non-transactional {@code putAll} of the round and one {@code REPL_ASYNC} put of a
 * value as large as the round.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp <test class path> dev.takeover.cluster.BatchCostBench
 * [checkpoints per round, default 50] [rounds, default 2000]}. The machine's load moves the numbers: compare the
 * variants of one pass. Results in {@code REPLICATION.md} ("The journal").
 */
public final class BatchCostBench {

    private BatchCostBench() {
    }

    /** Writes round number {@code round}. */
    @FunctionalInterface
    private interface Round {
        void write(int round) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        ClusterConfig config = TestClusters.loopback("bench", List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"),
                CheckpointConfig.Replication.SYNC);
        List<ClusterNode> nodes = new ArrayList<>();
        List<CheckpointJournal> journals = new ArrayList<>();
        try {
            for (String n : List.of("n1", "n2", "n3")) {
                ClusterNode node = ClusterNode.start(config, n);
                nodes.add(node);
                journals.add(CheckpointJournal.open(node.channel(), node.checkpointCache(),
                        node.replicatedStore().events(), n, false));
            }
            for (CacheMode mode : List.of(CacheMode.REPL_SYNC, CacheMode.REPL_ASYNC)) {
                for (ClusterNode n : nodes) {
                    n.cacheManager().defineConfiguration("bench-" + mode,
                            new ConfigurationBuilder().clustering().cacheMode(mode).build());
                }
                for (ClusterNode n : nodes) {
                    n.cacheManager().getCache("bench-" + mode);
                }
            }
            Map<String, Round> variants = variants(nodes.getFirst(), journals.getFirst(), batch);
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            for (int pass = 0; pass < 3; pass++) { // the first pass warms up
                long idleCpu0 = os.getProcessCpuTime();
                long idleWall0 = System.nanoTime();
                Thread.sleep(2000);
                double idleRate = (double) (os.getProcessCpuTime() - idleCpu0) / (System.nanoTime() - idleWall0);
                for (Map.Entry<String, Round> v : variants.entrySet()) {
                    for (int r = 0; r < rounds / 4; r++) {
                        v.getValue().write(r);
                    }
                    Thread.sleep(300);
                    long cpu0 = os.getProcessCpuTime();
                    long wall0 = System.nanoTime();
                    for (int r = 0; r < rounds; r++) {
                        v.getValue().write(r);
                    }
                    long writing = System.nanoTime() - wall0;
                    Thread.sleep(300); // asynchronous replicas catch up
                    long wall = System.nanoTime() - wall0;
                    double cpuNanos = os.getProcessCpuTime() - cpu0 - idleRate * wall;
                    if (pass > 0) {
                        System.out.printf("pass %d | %-50s | %5.1f us CPU per checkpoint | %.2f ms wall per round%n",
                                pass, v.getKey(), cpuNanos / 1e3 / ((double) rounds * batch),
                                writing / 1e6 / rounds);
                    }
                }
            }
        } finally {
            journals.forEach(CheckpointJournal::close);
            for (int i = nodes.size() - 1; i >= 0; i--) {
                nodes.get(i).close();
            }
        }
    }

    private static Map<String, Round> variants(ClusterNode n1, CheckpointJournal journal, int batch) {
        Map<String, Round> variants = new LinkedHashMap<>();
        ConnectionCheckpoint[] viaStore = connections(0, batch);
        variants.put("store putEachIfNewer (a transaction per round)",
                r -> n1.replicatedStore().putEachIfNewer(nextVersions(viaStore)));
        ConnectionCheckpoint[] viaJournal = connections(batch, batch);
        variants.put("journal putEachIfNewer (a message per round)", r -> {
            journal.putEachIfNewer(nextVersions(viaJournal));
            if (r % 50 == 49) {
                journal.barrier();
            }
        });
        byte[] value = StoredEntry.stored(viaStore[0], null).encode();
        for (CacheMode mode : List.of(CacheMode.REPL_SYNC, CacheMode.REPL_ASYNC)) {
            AdvancedCache<String, byte[]> cache = n1.cacheManager().<String, byte[]>getCache("bench-" + mode)
                    .getAdvancedCache().withFlags(Flag.IGNORE_RETURN_VALUES);
            variants.put(mode + " putAll of the round", r -> {
                Map<String, byte[]> round = new HashMap<>();
                for (int i = 0; i < batch; i++) {
                    round.put("k" + i, value);
                }
                cache.putAll(round);
            });
        }
        AdvancedCache<String, byte[]> async = n1.cacheManager().<String, byte[]>getCache("bench-" + CacheMode.REPL_ASYNC)
                .getAdvancedCache().withFlags(Flag.IGNORE_RETURN_VALUES);
        byte[] packed = new byte[value.length * batch];
        variants.put("REPL_ASYNC put of one " + packed.length + "-byte value", r -> async.put("packed", packed));
        return variants;
    }

    private static ConnectionCheckpoint[] connections(int first, int count) {
        ConnectionCheckpoint[] c = new ConnectionCheckpoint[count];
        for (int i = 0; i < count; i++) {
            ConnectionId id = CheckpointFixtures.id(first + i);
            c[i] = new ConnectionCheckpoint("n1", 1_000, 1_767_225_600_000L, IpLayer.of(id), CheckpointFixtures.tcp(),
                    CheckpointFixtures.responding("/synthetic/1k",
                            "HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n"));
        }
        return c;
    }

    /** Advances each connection to its next version; the round to write. */
    private static List<ConnectionCheckpoint> nextVersions(ConnectionCheckpoint[] connections) {
        List<ConnectionCheckpoint> round = new ArrayList<>(connections.length);
        for (int i = 0; i < connections.length; i++) {
            ConnectionCheckpoint c = connections[i];
            connections[i] = c.next("n1", c.checkpointTimeMillis() + 1, c.tcp(), c.http());
            round.add(connections[i]);
        }
        return round;
    }
}
