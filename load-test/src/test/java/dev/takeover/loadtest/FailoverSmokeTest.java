package dev.takeover.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.takeover.lab.Lab;
import dev.takeover.lab.LoadTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Failover under load, the short run CI does: 20 s of Gatling downloads over every VIP of a three-node lab, each
 * byte checked, with a node crashed after 8 s. The simulation asserts that no request failed. Root only (the lab builds
 * network namespaces).
 */
class FailoverSmokeTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the lab's logs and Gatling's report stay when it fails
    static Path dir;
    static Lab lab;

    @BeforeAll
    static void up() throws Exception {
        assumeTrue(new ProcessBuilder("id", "-u").start().inputReader().readLine().strip().equals("0"), "the lab needs root");
        Process nft = new ProcessBuilder("nft", "--version").start();
        assumeTrue(nft.waitFor(10, TimeUnit.SECONDS) && nft.exitValue() == 0, "the takeover needs nftables");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> launcher = List.of(java, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), "dev.takeover.cli.Main");
        lab = new Lab(dir, launcher, new PrintWriter(new StringWriter()));
        lab.up(3);
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.down();
        }
    }

    /**
     * The simulations CI runs, with a load this machine carries (new users per second), and how many requests
     * Gatling's client may send again on a new connection. A request sent on a keep-alive connection as the node dies
     * is sent again by the client's TCP and answered by the survivor ({@code AwaitRetransmission}); before that was
     * handled, {@code hits} lost 1 of 4 000 here. One case is left by design: with write-behind replication, a small
     * response completed within the last milliseconds before the crash has no checkpoint yet (bodies up to 64 KiB
     * are checkpointed once complete, see REPLICATION.md), so its idle connection is reset and the client sends its
     * next request again (seen once in nine runs of {@code hits} and {@code mixed}). Downloads open a connection each.
     */
    static Stream<Arguments> simulations() {
        return Stream.of(Arguments.of("downloads", 3.0, 0), Arguments.of("hits", 10.0, 1), Arguments.of("mixed", 4.0, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("simulations")
    void noRequestFailsAndEveryByteIsRightWithANodeCrashedUnderLoad(String simulation, double rate, int mayResend)
            throws Exception {
        StringWriter out = new StringWriter();
        Path home = Path.of("").toAbsolutePath().getParent(); // the module runs in load-test/
        // A crashed node from the previous simulation makes the lab unhealthy: LoadTest brings a fresh one up.
        LoadTest.Result r = new LoadTest(lab, home, new PrintWriter(out, true)).run(new LoadTest.Options(simulation,
                Duration.ofSeconds(20), rate, "8m", "n2", Duration.ofSeconds(8), false));

        assertThat(r.exitCode()).as("Gatling's summary:%n%s", out).isZero();
        assertThat(r.report()).hasValueSatisfying(report -> assertThat(Files.exists(report)).isTrue());
        assertThat(out.toString()).contains("count of failed events is 0.0 : true");
        assertThat(r.crashedAt()).isPositive();
        assertThat(r.resent()).as("requests Gatling's client sent again on a new connection: resets it hid")
                .isLessThanOrEqualTo(mayResend);
    }
}
