package dev.takeover.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab for real: namespaces, an origin and two nodes, traffic from the client namespace. Root only. */
class LabTest {
    @TempDir
    static Path dir;
    static Lab lab;

    /** Runs {@code takeover} from this test's class path, as bin/takeover would from the jars. */
    static List<String> launcher() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), "dev.takeover.cli.Main");
    }

    @BeforeAll
    static void up() {
        assumeTrue(Shell.run("id", "-u").out().strip().equals("0"), "the lab needs root");
        lab = new Lab(dir, launcher(), new PrintWriter(new StringWriter()));
        lab.up(2);
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.down();
        }
        assertThat(LabNetwork.namespaces()).isEmpty();
    }

    /** Waits (up to 30 s) until every node serves the VIPs the cluster file gives it. */
    private static LabStatus awaitVipsServed() throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            LabStatus s = lab.status();
            if (s.nodes().stream().allMatch(n -> n.vips().containsAll(n.configuredVips()))) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("VIPs not served: " + lab.status());
    }

    private static String curl(String url) {
        return Shell.run(Shell.in(LabLayout.CLIENT.namespace(), "curl", "-s", "-m", "5", "-o", "/dev/null",
                "-w", "%{http_code} %{size_download}", url)).out();
    }

    @Test
    void theLabServesThroughEveryVipFromTheClientNamespace() throws Exception {
        LabStatus s = awaitVipsServed();
        assertThat(s.up()).isTrue();
        assertThat(s.nodes()).extracting(LabStatus.NodeStatus::healthy).containsOnly(true);
        assertThat(s.nodes().getFirst().vips()).containsExactly("198.18.0.101", "198.18.0.102");
        for (String vip : lab.layout().vips()) {
            assertThat(curl("http://" + vip + "/synthetic/64k")).isEqualTo("200 65536");
        }
        assertThat(Files.readString(lab.clusterFile())).contains("198.18.0.104");
    }

    @Test
    void aCrashLeavingAMinorityMakesTheSurvivorLetGoAndARevivalBringsEverythingBack() throws Exception {
        awaitVipsServed();
        lab.crash("n2");
        LabStatus.NodeStatus n2 = lab.status().nodes().get(1);
        assertThat(n2.alive()).isFalse();
        assertThat(n2.link()).isFalse();
        assertThat(curl("http://198.18.0.12/synthetic/1k")).startsWith("000");
        // One node of two is a minority: it must release its VIPs and take nothing over.
        for (int i = 0; i < 100 && !lab.status().nodes().getFirst().vips().isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertThat(lab.status().nodes().getFirst().vips()).isEmpty();
        lab.revive("n2");
        assertThat(lab.status().nodes().get(1).healthy()).isTrue();
        String log = Files.readString(lab.logs().resolve("n2.log"));
        String lastView = log.substring(log.lastIndexOf("Membership - n2: view")).lines().findFirst().orElseThrow();
        assertThat(lastView).as("revive returns once n2 is back in one view with n1").contains("n1", "n2");
        assertThat(curl("http://198.18.0.12/synthetic/1k")).isEqualTo("200 1024");
        awaitVipsServed();
    }

    @Test
    void anUnknownNodeIsAClearError() {
        assertThatThrownBy(() -> lab.crash("n9")).isInstanceOf(LabException.class).hasMessageContaining("no node 'n9'");
    }

    @Test
    void upAgainReplacesALeftoverLab() throws Exception {
        Lab other = new Lab(dir.resolve("other"), launcher(), new PrintWriter(new StringWriter()));
        LabNetwork.requireRoot();
        // A leftover namespace of the same name must not break set-up.
        new LabNetwork(new LabLayout(1)).up();
        assertThat(LabNetwork.namespaces()).contains("tko-n1");
        other.down();
        Path accessLog = lab.logs().resolve("n1-access.log"); // the tests' logging writes none: make one
        Files.writeString(accessLog, "a line of the last lab\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        lab.up(2);
        assertThat(awaitVipsServed().nodes()).hasSize(2).allMatch(LabStatus.NodeStatus::healthy);
        assertThat(lab.logs().resolve("n1-access.log.1")).as("the last lab's access log, kept once")
                .content().endsWith("a line of the last lab\n");
        assertThat(accessLog).as("the new lab's starts empty").satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyFile());
    }
}
