package dev.takeover.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The takeover path for real, in the lab's namespaces: three nodes, host crashes (link cut, then
 * kill -9), clients in {@code tko-client}. Each scenario crashes the node that serves its VIP at that
 * moment and revives it afterwards, so later scenarios also cover a second crash after a takeover
 * and a revived node rejoining. Root only.
 *
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TakeoverLabTest {
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // the lab logs stay when a scenario fails
    static Path dir;
    static Lab lab;
    private final List<String> crashed = new ArrayList<>();
    /** Whether this scenario crashed (and so revived) a node. */
    private boolean crashedAny;

    @BeforeAll
    static void up() {
        assumeTrue(Shell.run("id", "-u").out().strip().equals("0"), "the lab needs root");
        assumeTrue(Shell.run("nft", "--version").ok(), "the takeover needs nftables");
        lab = new Lab(dir, LabTest.launcher(), new PrintWriter(new StringWriter()));
        lab.up(3);
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.down();
        }
    }

    @AfterEach
    void revive() throws InterruptedException {
        for (String node : crashed) {
            lab.revive(node);
        }
        if (crashedAny) {
            // For a few seconds after a node rejoins, the cluster rebalances and write-behind checkpoints wait: a
            // crash then loses the checkpoints of connections opened meanwhile (seen here: the 200-download scenario
            // right after a revive found 62 of 100 connections unrecorded). Each scenario starts on a settled cluster.
            Thread.sleep(SETTLE_AFTER_REVIVE.toMillis());
        }
    }

    private static final Duration SETTLE_AFTER_REVIVE = Duration.ofSeconds(5);

    private String crashOwnerOf(String vip) {
        String owner = lab.status().nodes().stream().filter(n -> n.vips().contains(vip)).findFirst().orElseThrow(
                () -> new AssertionError("nobody serves " + vip + ": " + lab.status())).name();
        lab.crash(owner);
        crashed.add(owner);
        crashedAny = true;
        return owner;
    }

    /** Waits for a survivor's TAKEOVER line for {@code vip} after {@code since}; returns it. */
    private String awaitTakeover(String vip, long since) throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 300; i++) {
            for (String node : List.of("n1", "n2", "n3")) {
                Path log = lab.logs().resolve(node + ".log");
                if (!Files.exists(log)) {
                    continue;
                }
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    int at = line.indexOf("TAKEOVER {");
                    if (at >= 0) {
                        var t = json.readTree(line.substring(at + 9));
                        if (t.get("vip").asText().equals(vip) && t.get("detected").asLong() >= since) {
                            return line.substring(at + 9);
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no takeover of " + vip + " logged within 30 s");
    }

    /** Runs {@link ScenarioClient} in the client namespace. */
    private static Process scenario(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", LabLayout.CLIENT.namespace(),
                ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), ScenarioClient.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(lab.logs().resolve("scenario.log").toFile()))
                .start();
    }

    private static String until(BufferedReader out, String prefix) throws IOException {
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("the scenario client ended without " + prefix);
    }

    /** A scenario: set up, crash the VIP's node, wait for the takeover, finish; returns the RESULT. */
    private String run(String vip, String... args) throws Exception {
        Process p = scenario(args);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter in = new PrintWriter(p.getOutputStream(), true)) {
            until(out, "READY");
            long since = System.currentTimeMillis();
            crashOwnerOf(vip);
            awaitTakeover(vip, since);
            in.println("GO");
            return until(out, "RESULT ").substring(7);
        } finally {
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    @Test
    @Order(1)
    void downloadsCrashedMidBodyResumeByteExactAndARevivedNodeDoesNotDisturbThem() throws Exception {
        Path out = dir.resolve("mid-body.json");
        Process client = lab.startInClient(List.of("lab", "client", "--vips", String.join(",", lab.layout().vips()),
                "--size", "48m", "--clients", "12", "--timeout", "20", "--out", out.toString()));
        awaitAllBegun(client, 12); // mid-body: every response under way
        long since = System.currentTimeMillis();
        String victim = crashOwnerOf("198.18.0.103");
        String takeover = awaitTakeover("198.18.0.103", since);
        lab.revive(victim); // while the taken-over downloads are still running
        crashed.clear();
        assertThat(client.waitFor(120, TimeUnit.SECONDS)).isTrue();
        DrillClient.Report report = new ObjectMapper().readValue(out.toFile(), DrillClient.Report.class);
        assertThat(report.downloads()).hasSize(12).allSatisfy(d -> assertThat(d.outcome()).as(d.toString()).isEqualTo("ok"));
        assertThat(takeover).contains("\"outcome\":\"resumed\"");
        assertThat(lab.status().nodes()).allMatch(LabStatus.NodeStatus::healthy);
    }

    /** Reads the drill client's progress lines until {@code n} downloads have their response under way. */
    private static void awaitAllBegun(Process client, int n) throws IOException {
        BufferedReader progress = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = progress.readLine()) != null; ) {
            String[] p = line.split(" ");
            if (p.length == 7 && p[0].equals("progress") && Integer.parseInt(p[6]) >= n) {
                Thread.ofVirtual().start(() -> progress.lines().forEach(l -> { })); // keep the pipe drained
                return;
            }
        }
        throw new AssertionError("the drill client ended before its " + n + " downloads began");
    }

    @Test
    @Order(2)
    void anIdleKeepAliveConnectionSurvivesAndServesItsNextRequest() throws Exception {
        assertThat(run("198.18.0.105", "idle", "198.18.0.105")).isEqualTo("ok");
    }

    @Test
    @Order(3)
    void aClientThatSentAnUnrecordedRequestGetsACleanReset() throws Exception {
        assertThat(run("198.18.0.101", "unrecorded", "198.18.0.101")).isEqualTo("reset");
    }

    @Test
    @Order(5)
    void aRequestSentAfterTheCrashIsSentAgainByTheClientAndAnswered() throws Exception {
        // The keep-alive request at the instant of a crash: the node never acknowledged it, so the client's
        // retransmission brings it to the rebuilt socket (seen once in CI as a reset before this was handled).
        Process p = scenario("during", "198.18.0.106");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter in = new PrintWriter(p.getOutputStream(), true)) {
            until(out, "READY");
            long since = System.currentTimeMillis();
            crashOwnerOf("198.18.0.106");
            in.println("GO"); // at once: the request leaves while the VIP has no owner
            String takeover = awaitTakeover("198.18.0.106", since);
            assertThat(until(out, "RESULT ").substring(7)).isEqualTo("ok");
            assertThat(takeover).contains("bytes beyond the checkpoint awaited again");
        } finally {
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    @Test
    @Order(4)
    void anObjectChangedAtTheOriginDuringFailoverGivesAResetNeverMixedBytes() throws Exception {
        byte[] original = new byte[24 << 20];
        new java.util.Random(7).nextBytes(original);
        Path file = lab.originFiles().resolve("changing.bin");
        Files.write(file, original);
        Path copy = dir.resolve("original.bin");
        Files.write(copy, original);
        Process p = scenario("changed", "198.18.0.102", "/changing.bin", copy.toString());
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter in = new PrintWriter(p.getOutputStream(), true)) {
            until(out, "READY");
            long since = System.currentTimeMillis();
            crashOwnerOf("198.18.0.102");
            byte[] changed = original.clone();
            changed[changed.length - 1] ^= 1;
            Files.write(file, changed); // a new version: new mtime, new ETag
            awaitTakeover("198.18.0.102", since);
            in.println("GO");
            assertThat(until(out, "RESULT ").substring(7)).startsWith("reset");
        } finally {
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    @Test
    @Order(0) // first, on a fresh cluster: see the class comment
    void twoHundredConcurrentDownloadsOverThreeVipsAllCompleteWithANodeCrashed() throws Exception {
        String victim = lab.status().nodes().stream().filter(n -> n.vips().contains("198.18.0.104")).findFirst().orElseThrow().name();
        Drill.Result r = new Drill(lab, new PrintWriter(new StringWriter())).run(new Drill.Options("6m", 200, victim,
                Duration.ofMillis(1200), Duration.ofSeconds(30)));
        crashed.add(victim);
        assertThat(r.client().downloads()).hasSize(200)
                .allSatisfy(d -> assertThat(d.outcome()).as(d.toString()).isEqualTo("ok"));
        assertThat(r.takeovers()).isNotEmpty();
    }
}
