package dev.takeover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/lib/aot.sh: when the launcher gives the JVM the recorded AOT cache, and when it leaves it out. */
class AotOptionTest {
    private static final Path SCRIPT = Path.of("..", "bin", "lib", "aot.sh").toAbsolutePath().normalize();
    private static final Instant BUILT = Instant.parse("2026-12-07T20:00:00Z");

    @TempDir
    Path dir;
    Path jar;
    Path lib;
    Path cache;

    /** What {@code aot_option} printed, on stdout and on stderr. */
    record Outcome(String option, String message) {}

    @BeforeEach
    void build() throws IOException {
        jar = Files.writeString(dir.resolve("takeover-core.jar"), "jar");
        lib = Files.createDirectory(dir.resolve("lib"));
        Files.writeString(lib.resolve("netty.jar"), "jar");
        for (Path p : new Path[] {jar, lib.resolve("netty.jar"), lib}) {
            Files.setLastModifiedTime(p, FileTime.from(BUILT));
        }
        cache = dir.resolve("takeover.aot");
    }

    private Outcome run(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source \"$1\"; aot_option \"$2\" \"$3\" \"$4\"", "_",
                SCRIPT.toString(), cache.toString(), jar.toString(), lib.toString());
        pb.environment().remove("TAKEOVER_AOT");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        String err = new String(p.getErrorStream().readAllBytes()).strip();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("exit status; stderr: %s", err).isZero();
        return new Outcome(out, err);
    }

    private void recordCache(Instant at) throws IOException {
        Files.writeString(cache, "aot");
        Files.setLastModifiedTime(cache, FileTime.from(at));
    }

    @Test
    void aCacheRecordedAfterTheBuildIsUsed() throws Exception {
        recordCache(BUILT.plusSeconds(60));
        assertThat(run(Map.of())).isEqualTo(new Outcome("-XX:AOTCache=" + cache, ""));
    }

    @Test
    void noCacheNoOption() throws Exception {
        assertThat(run(Map.of())).isEqualTo(new Outcome("", ""));
    }

    @Test
    void aCacheOlderThanAJarIsLeftOutAndSaysSo() throws Exception {
        recordCache(BUILT.plusSeconds(60));
        Files.setLastModifiedTime(lib.resolve("netty.jar"), FileTime.from(BUILT.plusSeconds(120))); // rebuilt since
        Outcome o = run(Map.of());
        assertThat(o.option()).isEmpty();
        assertThat(o.message()).contains(cache.toString(), "older than the jars", "takeover-scale.sh --train");
    }

    @Test
    void offLeavesEvenAFreshCacheOut() throws Exception {
        recordCache(BUILT.plusSeconds(60));
        assertThat(run(Map.of("TAKEOVER_AOT", "off"))).isEqualTo(new Outcome("", ""));
    }
}
