package dev.takeover.cluster;

import dev.takeover.checkpoint.CheckpointFixtures;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.checkpoint.HttpLayer;
import dev.takeover.checkpoint.IpLayer;
import dev.takeover.config.CheckpointConfig;
import dev.takeover.config.ClusterConfig;
import jakarta.transaction.TransactionManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.context.Flag;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.event.CacheEntryEvent;
import org.infinispan.transaction.LockingMode;
import org.infinispan.transaction.TransactionMode;
import org.infinispan.transaction.lookup.EmbeddedTransactionManagerLookup;

/**
 * Measures what replication costs: three cluster nodes in this JVM on 127.0.0.1-3 (the cluster's own JGroups
 * stack), one writer on n1, and for each way of replicating the latency of one write (p50, p99, max), the writes per
 * second of one writer thread and of eight, and how long a write takes to reach another node.
 *
 * <p>Variants: {@code REPL_SYNC} and {@code REPL_ASYNC} plain puts of the checkpoint bytes (non-transactional),
 * a pessimistic transaction that locks then writes (what the store does, without the store's decoding), and the
 * store's {@code putIfNewer} itself. Values are the encoded bytes of a mid-response checkpoint (about 330 bytes).
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp <test class path> dev.takeover.cluster.ReplicationBench
 * [writes per variant, default 20000]}. Numbers depend on the machine and its load: compare variants of one run.
 */
public final class ReplicationBench {

    private static final int KEYS = 2_000;

    private ReplicationBench() {
    }

    /** How one write is issued; {@code thread} picks the keys, so threads do not contend on one key. */
    @FunctionalInterface
    private interface Writer {
        void write(int thread, int i) throws Exception;
    }

    private record Result(String variant, int threads, double p50, double p99, double max, double perSecond,
            double lagP50, double lagP99, double replicatedAfter) {
    }

    /** Records, on another node, when each key's latest value arrived. */
    @Listener(sync = true, observation = Listener.Observation.POST)
    public static final class Arrivals {
        final Map<String, Long> arrived = new ConcurrentHashMap<>();

        @CacheEntryCreated
        @CacheEntryModified
        public void onWrite(CacheEntryEvent<String, byte[]> e) {
            arrived.put(e.getKey(), System.nanoTime());
        }
    }

    public static void main(String[] args) throws Exception {
        int writes = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        ClusterConfig config = TestClusters.loopback("bench", List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"),
                CheckpointConfig.Replication.SYNC);
        List<ClusterNode> nodes = new ArrayList<>();
        try {
            for (String n : List.of("n1", "n2", "n3")) {
                nodes.add(ClusterNode.start(config, n));
            }
            for (String mode : List.of("sync", "async", "tx")) {
                ConfigurationBuilder b = new ConfigurationBuilder();
                b.clustering().cacheMode(mode.equals("async") ? CacheMode.REPL_ASYNC : CacheMode.REPL_SYNC);
                if (mode.equals("tx")) {
                    b.transaction().transactionMode(TransactionMode.TRANSACTIONAL).lockingMode(LockingMode.PESSIMISTIC)
                            .transactionManagerLookup(new EmbeddedTransactionManagerLookup());
                }
                for (ClusterNode n : nodes) {
                    n.cacheManager().defineConfiguration("bench-" + mode, b.build());
                }
                for (ClusterNode n : nodes) {
                    n.cacheManager().getCache("bench-" + mode);
                }
            }
            byte[] value = sample();
            System.out.printf("value: %d bytes; %d writes per variant; %d keys%n", value.length, writes, KEYS);
            List<Result> results = new ArrayList<>();
            ReplicatedCheckpointStore store = nodes.get(0).replicatedStore();
            WriteBehindCheckpointStore behind = WriteBehindCheckpointStore.over(store, "n1",
                    dev.takeover.config.CheckpointConfig.DEFAULT_LINGER);
            Cache<String, byte[]> farCheckpoints = nodes.get(2).checkpointCache();
            for (int round = 0; round < 2; round++) { // the first round warms up
                boolean report = round == 1;
                List<Result> roundResults = new ArrayList<>();
                for (int threads : new int[] {1, 8}) {
                    for (String mode : List.of("sync", "async", "tx")) {
                        roundResults.add(run(label(mode), threads, 0, writes, rawWriter(nodes.get(0), mode, value),
                                nodes.get(2).cacheManager().getCache("bench-" + mode)));
                    }
                    roundResults.add(run("store putIfNewer, sync (pessimistic tx, REPL_SYNC)", threads, 0, writes,
                            storeWriter(store, threads), farCheckpoints));
                    roundResults.add(run("store putIfNewer, async (write-behind queue)", threads, 0, writes,
                            storeWriter(behind, threads), farCheckpoints));
                    long[] ow = behind.offeredAndWritten();
                    System.out.printf("write-behind so far: %d queued, %d written to the cluster%n", ow[0], ow[1]);
                }
                // At a rate the cluster sustains, how far behind is an asynchronous write?
                roundResults.add(run("REPL_ASYNC put, paced at 1000/s", 1, 1_000, writes / 4,
                        rawWriter(nodes.get(0), "async", value), nodes.get(2).cacheManager().getCache("bench-async")));
                roundResults.add(run("store putIfNewer, async, paced at 1000/s", 1, 1_000, writes / 4,
                        storeWriter(behind, 1), farCheckpoints));
                if (report) {
                    results.addAll(roundResults);
                }
            }
            behind.close();
            print(results);
        } finally {
            for (int i = nodes.size() - 1; i >= 0; i--) {
                nodes.get(i).close();
            }
        }
    }

    private static Writer rawWriter(ClusterNode node, String mode, byte[] value) {
        Cache<String, byte[]> c = node.cacheManager().getCache("bench-" + mode);
        AdvancedCache<String, byte[]> put = c.getAdvancedCache().withFlags(Flag.IGNORE_RETURN_VALUES);
        AdvancedCache<String, byte[]> lock = c.getAdvancedCache().withFlags(Flag.FORCE_WRITE_LOCK);
        TransactionManager tm = c.getAdvancedCache().getTransactionManager();
        if (tm == null) {
            return (t, i) -> put.put(key(t, i), value);
        }
        return (t, i) -> {
            tm.begin();
            lock.get(key(t, i));
            put.put(key(t, i), value);
            tm.commit();
        };
    }

    /** Each run's versions start above every earlier run's, so that no write of a run is stale. */
    private static final AtomicLong VERSION_BASE = new AtomicLong();

    /** Writes increasing versions of each thread's connections, above every version written before. */
    private static Writer storeWriter(dev.takeover.checkpoint.CheckpointStore store, int threads) {
        long base = VERSION_BASE.addAndGet(10_000_000L);
        ConnectionCheckpoint[] versions = new ConnectionCheckpoint[KEYS * threads];
        return (t, i) -> {
            int k = slot(t, i);
            ConnectionCheckpoint c = versions[k] == null ? checkpoint(k, base) : versions[k];
            versions[k] = c.next("n1", c.checkpointTimeMillis() + 1, c.tcp(), c.http());
            store.putIfNewer(versions[k]);
        };
    }

    private static String label(String mode) {
        return switch (mode) {
            case "sync" -> "REPL_SYNC put";
            case "async" -> "REPL_ASYNC put";
            default -> "REPL_SYNC pessimistic tx: lock + put";
        };
    }

    private static int slot(int thread, int i) {
        return thread * KEYS + Math.floorMod(i * 7919, KEYS);
    }

    private static String key(int thread, int i) {
        return "k" + slot(thread, i);
    }

    private static ConnectionCheckpoint checkpoint(int slot, long version) {
        ConnectionId id = CheckpointFixtures.id(slot);
        return new ConnectionCheckpoint("n1", version, 1_767_225_600_000L, IpLayer.of(id), CheckpointFixtures.tcp(),
                RESPONDING);
    }

    /**
     * Runs {@code writes} writes on {@code threads} threads, at most {@code ratePerSecond} per thread if positive;
     * measures each and its arrival on {@code far}.
     */
    private static Result run(String variant, int threads, int ratePerSecond, int writes, Writer writer,
            Cache<String, byte[]> far) throws Exception {
        Arrivals arrivals = new Arrivals();
        far.addListener(arrivals);
        int perThread = writes / threads;
        long[][] latencies = new long[threads][perThread];
        long[][] sentAt = new long[threads][perThread];
        String[][] keys = new String[threads][perThread];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                long first = System.nanoTime();
                long interval = ratePerSecond > 0 ? 1_000_000_000L / ratePerSecond : 0;
                for (int i = 0; i < perThread; i++) {
                    if (interval > 0) {
                        long due = first + i * interval;
                        while (System.nanoTime() < due) {
                            java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
                        }
                    }
                    long t0 = System.nanoTime();
                    writer.write(thread, i);
                    long t1 = System.nanoTime();
                    latencies[thread][i] = t1 - t0;
                    sentAt[thread][i] = t0;
                    keys[thread][i] = far.getName().equals(CacheDefinitions.CHECKPOINTS)
                            ? CheckpointFixtures.id(slot(thread, i)).key() : key(thread, i);
                }
                return null;
            }));
        }
        long begin = System.nanoTime();
        start.countDown();
        for (Future<?> f : futures) {
            f.get();
        }
        long elapsed = System.nanoTime() - begin;
        pool.shutdown();
        Map<String, Long> lastSent = new HashMap<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                lastSent.put(keys[t][i], sentAt[t][i]);
            }
        }
        // Wait until n3 holds the last write of every key (asynchronous variants lag behind the writer).
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!allArrived(lastSent, arrivals.arrived) && System.nanoTime() < waitUntil) {
            Thread.sleep(5);
        }
        long lastArrival = arrivals.arrived.values().stream().mapToLong(Long::longValue).max().orElse(begin);
        far.removeListener(arrivals);
        long[] lag = lastSent.entrySet().stream()
                .mapToLong(e -> arrivals.arrived.getOrDefault(e.getKey(), Long.MAX_VALUE) - e.getValue())
                .sorted().toArray();
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(variant, threads, ms(all, 0.50), ms(all, 0.99), all[all.length - 1] / 1e6,
                all.length / (elapsed / 1e9), ms(lag, 0.50), ms(lag, 0.99), (lastArrival - begin) / 1e6);
    }

    private static boolean allArrived(Map<String, Long> lastSent, Map<String, Long> arrived) {
        for (Map.Entry<String, Long> e : lastSent.entrySet()) {
            Long got = arrived.get(e.getKey());
            if (got == null || got < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))] / 1e6;
    }

    private static void print(List<Result> results) {
        System.out.println();
        System.out.println("| variant | writer threads | write p50 ms | p99 ms | max ms | writes/s (writer) "
                + "| last write of a key reaches n3, p50 ms | p99 ms | all on n3 after ms |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Result r : results) {
            System.out.println(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.1f | %.0f | %.3f | %.3f | %.0f |",
                    r.variant(), r.threads(), r.p50(), r.p99(), r.max(), r.perSecond(), r.lagP50(), r.lagP99(),
                    r.replicatedAfter()));
        }
    }

    private static final HttpLayer.Responding RESPONDING = CheckpointFixtures.responding("/objects/large-42.bin",
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 5000000\r\n"
                    + "ETag: \"5f2b-1a2b3c4d5e6f\"\r\nLast-Modified: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
                    + "Accept-Ranges: bytes\r\nCache-Control: max-age=3600\r\n\r\n");

    /** A mid-response checkpoint with a realistic header block, as the cache stores it. */
    private static byte[] sample() {
        return StoredEntry.stored(checkpoint(1, 1), null).encode();
    }
}
