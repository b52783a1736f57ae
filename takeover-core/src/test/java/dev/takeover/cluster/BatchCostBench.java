package dev.takeover.cluster;

import dev.takeover.checkpoint.CheckpointFixtures;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.checkpoint.HttpLayer;
import dev.takeover.checkpoint.IpLayer;
import dev.takeover.config.CheckpointConfig;
import dev.takeover.config.ClusterConfig;
import jakarta.transaction.TransactionManager;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.context.Flag;
import org.infinispan.transaction.LockingMode;
import org.infinispan.transaction.TransactionMode;
import org.infinispan.transaction.lookup.EmbeddedTransactionManagerLookup;

/** Scratch: CPU per checkpoint of a batch write, per variant. */
public final class BatchCostBench {
    interface Batch { void write(int round) throws Exception; }

    public static void main(String[] args) throws Exception {
        int batch = Integer.parseInt(args.length > 0 ? args[0] : "50");
        int rounds = Integer.parseInt(args.length > 1 ? args[1] : "2000");
        ClusterConfig config = TestClusters.loopback("bench", List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"),
                CheckpointConfig.Replication.SYNC);
        List<ClusterNode> nodes = new ArrayList<>();
        for (String n : List.of("n1", "n2", "n3")) nodes.add(ClusterNode.start(config, n));
        for (String mode : List.of("sync", "async", "opt")) {
            ConfigurationBuilder b = new ConfigurationBuilder();
            b.clustering().cacheMode(mode.equals("async") ? CacheMode.REPL_ASYNC : CacheMode.REPL_SYNC);
            if (mode.equals("opt")) {
                b.transaction().transactionMode(TransactionMode.TRANSACTIONAL).lockingMode(LockingMode.OPTIMISTIC)
                        .transactionManagerLookup(new EmbeddedTransactionManagerLookup());
            }
            for (ClusterNode n : nodes) n.cacheManager().defineConfiguration("bench-" + mode, b.build());
            for (ClusterNode n : nodes) n.cacheManager().getCache("bench-" + mode);
        }
        List<CheckpointJournal> journals = new ArrayList<>();
        for (ClusterNode n : nodes) {
            journals.add(CheckpointJournal.open(n.channel(), n.checkpointCache(), n.replicatedStore().events(), n.name(), false));
        }
        ReplicatedCheckpointStore store = nodes.get(0).replicatedStore();
        ConnectionCheckpoint[] cps = new ConnectionCheckpoint[batch];
        for (int i = 0; i < batch; i++) cps[i] = checkpoint(i, 1_000);
        byte[] value = StoredEntry.stored(cps[0], null).encode();
        Map<String, Batch> variants = new java.util.LinkedHashMap<>();
        variants.put("store putEachIfNewer (pessimistic tx)", r -> {
            List<ConnectionCheckpoint> l = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                cps[i] = cps[i].next("n1", cps[i].checkpointTimeMillis() + 1, cps[i].tcp(), cps[i].http());
                l.add(cps[i]);
            }
            store.putEachIfNewer(l);
        });
        ConnectionCheckpoint[] jcps = new ConnectionCheckpoint[batch];
        for (int i = 0; i < batch; i++) jcps[i] = checkpoint(1000 + i, 1_000);
        variants.put("journal putEachIfNewer (one message)", r -> {
            List<ConnectionCheckpoint> l = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                jcps[i] = jcps[i].next("n1", jcps[i].checkpointTimeMillis() + 1, jcps[i].tcp(), jcps[i].http());
                l.add(jcps[i]);
            }
            journals.get(0).putEachIfNewer(l);
            if (r % 50 == 49) journals.get(0).barrier();
        });
        AdvancedCache<String, byte[]> tx = nodes.get(0).checkpointCache().getAdvancedCache()
                .withFlags(Flag.IGNORE_RETURN_VALUES);
        TransactionManager tm = tx.getTransactionManager();
        variants.put("pessimistic tx putAll, no locking read (other keys)", r -> {
            Map<String, byte[]> m = new HashMap<>();
            for (int i = 0; i < batch; i++) m.put("x" + i, value);
            tm.begin(); tx.putAll(m); tm.commit();
        });
        for (ClusterNode n : nodes.subList(0, 1)) {
            AdvancedCache<String, byte[]> loc = n.checkpointCache().getAdvancedCache()
                    .withFlags(Flag.CACHE_MODE_LOCAL, Flag.IGNORE_RETURN_VALUES);
            AdvancedCache<String, byte[]> locRead = n.checkpointCache().getAdvancedCache()
                    .withFlags(Flag.CACHE_MODE_LOCAL, Flag.SKIP_LOCKING);
            variants.put("local putAll 50 (one node)", r -> {
                Map<String, byte[]> m = new HashMap<>();
                for (int i = 0; i < batch; i++) m.put("l" + i, value);
                loc.putAll(m);
            });
            variants.put("local read-check-put x50 (one node)", r -> {
                for (int i = 0; i < batch; i++) {
                    byte[] old = locRead.get("m" + i);
                    if (old != null) StoredEntry.decode(old);
                    loc.put("m" + i, value);
                }
            });
            variants.put("local tx: getAll+putAll 50 (one node)", r -> {
                Map<String, byte[]> m = new HashMap<>();
                for (int i = 0; i < batch; i++) m.put("q" + i, value);
                tm.begin();
                for (var v : locRead.getAll(m.keySet()).values()) StoredEntry.decode(v);
                loc.putAll(m);
                tm.commit();
            });
        }
        for (String mode : List.of("sync", "async", "opt")) {
            AdvancedCache<String, byte[]> c = nodes.get(0).cacheManager().<String, byte[]>getCache("bench-" + mode)
                    .getAdvancedCache().withFlags(Flag.IGNORE_RETURN_VALUES);
            TransactionManager ctm = c.getTransactionManager();
            variants.put(mode + " putAll " + batch, r -> {
                Map<String, byte[]> m = new HashMap<>();
                for (int i = 0; i < batch; i++) m.put("k" + i, value);
                if (ctm != null) ctm.begin();
                c.putAll(m);
                if (ctm != null) ctm.commit();
            });
            if (!mode.equals("opt")) {
                byte[] packed = new byte[value.length * batch];
                variants.put(mode + " one put of " + packed.length + " bytes", r -> c.put("packed", packed));
            }
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int pass = 0; pass < 3; pass++) {
            // idle baseline
            long c0 = os.getProcessCpuTime(), w0 = System.nanoTime();
            Thread.sleep(2000);
            double idlePerSec = (os.getProcessCpuTime() - c0) / ((System.nanoTime() - w0) / 1e9);
            for (var e : variants.entrySet()) {
                for (int r = 0; r < rounds / 4; r++) e.getValue().write(r);
                Thread.sleep(300);
                long cpu0 = os.getProcessCpuTime(), wall0 = System.nanoTime();
                for (int r = 0; r < rounds; r++) e.getValue().write(r);
                Thread.sleep(300); // async tails
                double wall = (System.nanoTime() - wall0) / 1e9;
                double cpu = (os.getProcessCpuTime() - cpu0 - idlePerSec * wall) / 1e9;
                if (pass > 0) System.out.printf("pass %d | %-55s | %.1f us CPU per checkpoint | %.2f ms wall per batch%n",
                        pass, e.getKey(), cpu * 1e6 / (rounds * (double) batch), (wall - 0.3) * 1e3 / rounds);
            }
        }
        journals.forEach(CheckpointJournal::close);
        for (int i = nodes.size() - 1; i >= 0; i--) nodes.get(i).close();
        System.exit(0);
    }

    private static ConnectionCheckpoint checkpoint(int slot, long version) {
        ConnectionId id = CheckpointFixtures.id(slot);
        return new ConnectionCheckpoint("n1", version, 1_767_225_600_000L, IpLayer.of(id), CheckpointFixtures.tcp(),
                CheckpointFixtures.responding("/synthetic/1k", "HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n"));
    }
}
