package dev.takeover.lab;

import dev.takeover.config.ClusterConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three-node (by default) lab: its network ({@link LabNetwork}), the embedded origin, the
 * nodes, and what a drill does to them (crash, revive). Every process runs detached in its
 * namespace, logging to {@code .lab/logs/}; {@code .lab/lab.json} remembers their pids.
 */
public final class Lab {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /**
     * How long {@code up} waits once every node serves its VIPs. The last node to join has been up for a second or two
     * then, its JIT still compiling and its caches taking their share. Once, in a fresh clone's CI run, a burst of load
     * at that moment (the 200 downloads of {@code TakeoverLabTest}) had the other nodes suspect it within the default
     * 300 + 100 ms on two shared cores; the scenario's own crash then left one node in a minority.
     */
    static final Duration SETTLE = Duration.ofSeconds(3);
    /** The origin's bandwidth per connection. */
    public static final String ORIGIN_RATE = "8m";

    private final Path dir;
    private final List<String> launcher;
    private final PrintWriter out;

    /**
     * @param dir      where the lab keeps its state and logs ({@code .lab} in the repository)
     * @param launcher the command that runs {@code takeover} (normally {@code bin/takeover}; tests run
     *                 the classes on their own class path)
     * @param out      where progress goes
     */
    public Lab(Path dir, List<String> launcher, PrintWriter out) {
        this.dir = dir;
        this.launcher = List.copyOf(launcher);
        this.out = out;
    }

    /** The lab of the repository at {@code home}, run through its {@code bin/takeover}. */
    public static Lab of(Path home, PrintWriter out) {
        return new Lab(home.resolve(".lab"), List.of(home.resolve("bin/takeover").toString()), out);
    }

    private Path stateFile() {
        return dir.resolve("lab.json");
    }

    public Path clusterFile() {
        return dir.resolve("cluster.yaml");
    }

    public Path logs() {
        return dir.resolve("logs");
    }

    /**
     * Whether the lab's cluster file has its nodes resume connections (false for the baseline, see
     * {@link #up(int, boolean)}); true while there is no cluster file.
     *
     * @throws dev.takeover.config.ConfigException if the cluster file cannot be read or is invalid
     */
    public boolean resumesConnections() {
        return !Files.exists(clusterFile())
                || ClusterConfigLoader.load(clusterFile()).checkpoint().enabled();
    }

    /** The directory the lab's origin serves files from (under {@code /}). */
    public Path originFiles() {
        return dir.resolve("origin-files");
    }

    /** Replaces any lab with a fresh one of {@code nodes} nodes, started and ready. */
    public LabLayout up(int nodes) {
        return up(nodes, true);
    }

    /**
     * As {@link #up(int)}; with {@code resumeConnections} false, the baseline without connection takeover (see
     * {@link LabLayout#clusterFile(boolean, String, String)}).
     */
    public LabLayout up(int nodes, boolean resumeConnections) {
        LabLayout layout = new LabLayout(nodes);
        LabNetwork network = new LabNetwork(layout);
        say("building the lab network (" + layout.hosts().size() + " namespaces on a bridge, " + LabLayout.SUBNET + ")");
        network.up();
        try {
            Files.createDirectories(logs());
            rotateAccessLogs(layout);
            Files.createDirectories(originFiles());
            // For experiments with the detection timings, e.g. "timeout: 500ms, verify-timeout: 200ms", and with the
            // replication of checkpoints ("sync", "batched" or "async") and its linger ("20ms", the product's default).
            Files.writeString(clusterFile(), layout.clusterFile(resumeConnections,
                    System.getenv().getOrDefault("TAKEOVER_LAB_FAILURE_DETECTION", ""),
                    System.getenv().getOrDefault("TAKEOVER_LAB_REPLICATION", LabLayout.DEFAULT_REPLICATION),
                    System.getenv().getOrDefault("TAKEOVER_LAB_LINGER", LabLayout.DEFAULT_LINGER)));
        } catch (IOException e) {
            throw new LabException("cannot write the lab's files under " + dir + ": " + e.getMessage(), e);
        }
        LabState state = new LabState(nodes, java.util.Map.of());
        // 8 MiB/s per connection: long enough transfers that a crash lands in the middle of them.
        state = state.withPid("origin", start(LabLayout.ORIGIN, "origin", "--listen",
                LabLayout.ORIGIN.address() + ":" + LabLayout.HTTP_PORT, "--rate", ORIGIN_RATE, "--dir", originFiles().toString()));
        state.write(stateFile());
        awaitListening(LabLayout.ORIGIN);
        for (LabLayout.Node n : layout.nodes()) {
            state = state.withPid(n.name(), startNode(n));
            state.write(stateFile());
            // Staggered: three JGroups members started at the same instant split until a merge heals it.
            awaitListening(n.host());
        }
        awaitVips(layout);
        sleep(SETTLE.toMillis());
        say("lab up: origin " + layout.originUrl() + ", nodes " + String.join(", ",
                layout.nodes().stream().map(n -> n.name() + " " + n.host().address() + " " + n.vips()).toList()));
        return layout;
    }

    private long startNode(LabLayout.Node n) {
        return start(n.host(), "node", "--config", clusterFile().toString(), "--name", n.name());
    }

    /** Waits until every node serves its VIPs: nodes claim them once the cluster has a majority. */
    private void awaitVips(LabLayout layout) {
        LabNetwork network = new LabNetwork(layout);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (LabLayout.Node n : layout.nodes()) {
            while (!network.addresses(n.host()).containsAll(n.vips())) {
                if (System.nanoTime() > deadline) {
                    throw new LabException(n.name() + " did not claim its VIPs " + n.vips() + " within "
                            + READY_TIMEOUT.toSeconds() + " s; see " + logs().resolve(n.name() + ".log"));
                }
                sleep(100);
            }
        }
    }

    /**
     * Runs {@code takeover ARGS} inside the client namespace, its standard output piped to the caller
     * and its errors to {@code .lab/logs/client.log}.
     */
    public Process startInClient(List<String> args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", LabLayout.CLIENT.namespace()));
        command.addAll(launcher);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(logs().resolve("client.log").toFile()));
        pb.environment().put("TAKEOVER_JAVA_OPTS", "-Xmx512m");
        try {
            return pb.start();
        } catch (IOException e) {
            throw new LabException("cannot start the drill client: " + e.getMessage(), e);
        }
    }

    /** Where the lab keeps its state, logs and reports. */
    public Path dir() {
        return dir;
    }

    /**
     * Keeps the last lab's access logs as {@code nN-access.log.1}, replacing older ones: a node logs every request,
     * and a few load tests appended across labs reached gigabytes. The node logs stay appended (scripts count lines
     * in them).
     */
    private void rotateAccessLogs(LabLayout layout) throws IOException {
        for (LabLayout.Host host : layout.hosts()) {
            Path log = accessLog(host);
            if (Files.exists(log)) {
                Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Where the host's process writes its access log. */
    private Path accessLog(LabLayout.Host host) {
        return logs().resolve(host.name() + "-access.log");
    }

    /** Starts {@code bin/takeover ARGS} detached inside the host's namespace; returns its pid. */
    private long start(LabLayout.Host host, String... args) {
        Path log = logs().resolve(host.name() + ".log");
        List<String> command = new ArrayList<>(List.of("setsid", "ip", "netns", "exec", host.namespace()));
        command.addAll(launcher);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        // TAKEOVER_LAB_NODE_OPTS adds JVM options to the lab's processes (a logback file, GC logging, ...).
        pb.environment().put("TAKEOVER_JAVA_OPTS", "-Xms256m -Xmx512m -XX:MaxDirectMemorySize=2560m "
                + "-Dtakeover.access.log=" + accessLog(host) + " "
                + System.getenv().getOrDefault("TAKEOVER_LAB_NODE_OPTS", ""));
        try {
            return pb.start().pid(); // setsid and ip netns exec exec in place: this is the JVM's pid
        } catch (IOException e) {
            throw new LabException("cannot start " + host.name() + ": " + e.getMessage(), e);
        }
    }

    private void awaitListening(LabLayout.Host host) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!listening(host)) {
            if (System.nanoTime() > deadline) {
                throw new LabException(host.name() + " did not start listening within " + READY_TIMEOUT.toSeconds()
                        + " s; see " + logs().resolve(host.name() + ".log"));
            }
            sleep(100);
        }
    }

    private static boolean listening(LabLayout.Host host) {
        Shell.Result r = Shell.run(Shell.in(host.namespace(), "ss", "-Hltn", "sport = :" + LabLayout.HTTP_PORT));
        return r.ok() && !r.out().isBlank();
    }

    /** The lab as it is now; {@code up} false when there is none. */
    public LabStatus status() {
        if (!Files.exists(stateFile()) || !LabNetwork.namespaces().contains(LabLayout.LAN)) {
            return new LabStatus(false, null, null, List.of());
        }
        LabState state = LabState.read(stateFile());
        LabLayout layout = new LabLayout(state.nodeCount());
        LabNetwork network = new LabNetwork(layout);
        Long originPid = state.pids().get("origin");
        var origin = new LabStatus.HostStatus(LabLayout.ORIGIN.namespace(), LabLayout.ORIGIN.address(), originPid,
                alive(originPid), layout.originUrl());
        var client = new LabStatus.HostStatus(LabLayout.CLIENT.namespace(), LabLayout.CLIENT.address(), null, true, null);
        List<LabStatus.NodeStatus> nodes = new ArrayList<>();
        for (LabLayout.Node n : layout.nodes()) {
            Long pid = state.pids().get(n.name());
            List<String> vips = network.addresses(n.host()).stream().filter(a -> !a.equals(n.host().address())).toList();
            nodes.add(new LabStatus.NodeStatus(n.name(), n.host().namespace(), n.host().address(), n.vips(), vips, pid,
                    alive(pid), listening(n.host()), network.linkUp(n.host())));
        }
        return new LabStatus(true, origin, client, nodes);
    }

    /** A host crash: the node's link is cut first (so its kernel can send no FIN or RST), then every process dies. */
    public void crash(String node) {
        LabLayout layout = layout();
        LabLayout.Node n = layout.node(node);
        new LabNetwork(layout).cut(n.host());
        long cutAt = System.currentTimeMillis();
        LabNetwork.killAll(n.host().namespace());
        say("crashed " + node + " (link cut at " + cutAt + " ms since the epoch, processes killed)");
    }

    /**
     * Brings a crashed node back: link up, node restarted (without the VIPs the survivors took over). Returns once it
     * is in one view with every other healthy node: a node that started alone (its join unanswered on a starved
     * machine) is only back once a merge heals the split.
     */
    public void revive(String node) {
        LabLayout layout = layout();
        LabLayout.Node n = layout.node(node);
        LabNetwork.killAll(n.host().namespace());
        for (String vip : n.vips()) {
            Shell.run("ip", "-n", n.host().namespace(), "addr", "del", vip + "/" + LabLayout.PREFIX_LENGTH, "dev", "eth0");
        }
        new LabNetwork(layout).restore(n.host());
        Path log = logs().resolve(n.host().name() + ".log");
        long logStart = sizeOf(log);
        LabState state = LabState.read(stateFile());
        state = state.withPid(n.name(), start(n.host(), "node", "--config", clusterFile().toString(), "--name", n.name()));
        state.write(stateFile());
        awaitListening(n.host());
        say("revived " + node + "; it rejoined the cluster, view " + awaitRejoined(n.name(), log, logStart));
    }

    /**
     * Waits until the last view {@code node} logged after {@code from} (its {@code Membership} line) has as many
     * members as there are healthy nodes (counted once: a revive changes no other node).
     *
     * @return that view
     */
    private String awaitRejoined(String node, Path log, long from) {
        Pattern view = Pattern.compile("Membership - " + Pattern.quote(node) + ": view (\\d+:\\[([^\\]]*)\\])");
        long healthy = status().nodes().stream().filter(LabStatus.NodeStatus::healthy).count();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (;;) {
            String last = null;
            int members = 0;
            Matcher m = view.matcher(readFrom(log, from));
            while (m.find()) {
                last = m.group(1);
                members = m.group(2).split(",").length;
            }
            if (last != null && members >= healthy) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new LabException(node + " did not rejoin the other " + (healthy - 1) + " healthy nodes within "
                        + READY_TIMEOUT.toSeconds() + " s (last view " + last + "); see " + log);
            }
            sleep(200);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new LabException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String readFrom(Path file, long offset) {
        try (FileChannel channel = FileChannel.open(file)) {
            return new String(Channels.newInputStream(channel.position(offset)).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LabException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Removes everything the lab made: processes, namespaces, state. Idempotent. */
    public void down() {
        LabNetwork.down();
        try {
            Files.deleteIfExists(stateFile());
        } catch (IOException e) {
            throw new LabException("cannot remove " + stateFile() + ": " + e.getMessage(), e);
        }
        say("lab down");
    }

    public LabLayout layout() {
        return new LabLayout(LabState.read(stateFile()).nodeCount());
    }

    private static boolean alive(Long pid) {
        return pid != null && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
    }
}
