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
     * Gatling's client may send again on a new connection (it does so once, silently, when a pooled keep-alive
     * connection closes under a request). Only {@code downloads}: each user opens one connection, whose response
     * waits for its checkpoint to be replicated before its first byte. The keep-alive profiles keep a window of a few
     * milliseconds (the write-behind replication delay, longer on a loaded machine) in which a request the dead node's
     * kernel acknowledged, or a small response it completed, has no replicated checkpoint: the connection is reset
     * and the client sends the request again or fails it (seen in CI: {@code hits} 2 of 4 000 sent again,
     * {@code mixed} 1 of 1 040 failed; none in 5 other runs of each). They run on demand with {@code lab loadtest},
     * whose exit status counts both.
     */
    static Stream<Arguments> simulations() {
        return Stream.of(Arguments.of("downloads", 3.0, 0));
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
