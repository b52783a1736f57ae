package dev.takeover.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code lab loadtest}: runs a Gatling simulation of the {@code load-test} module from {@code tko-client} against every
 * VIP of the lab, optionally crashing a node partway, keeps Gatling's HTML report and prints where it is, with
 * Gatling's own summary (requests, failures, percentiles). The simulation's assertion is that no request failed, so
 * the exit status is non-zero if any did.
 */
public final class LoadTest {
    /** The simulations, by the name {@code --simulation} takes. */
    public static final Map<String, String> SIMULATIONS = Map.of(
            "hits", "dev.takeover.loadtest.HitsSimulation",
            "downloads", "dev.takeover.loadtest.DownloadsSimulation",
            "mixed", "dev.takeover.loadtest.MixedSimulation");

    /**
     * @param simulation a key of {@link #SIMULATIONS}
     * @param duration   how long new users arrive
     * @param rate       new users per second
     * @param size       download size (downloads simulation)
     * @param crash      the node to crash, or null
     * @param at         when to crash, after the load starts
     * @param baseline   run against the baseline lab: VIPs move, connections are not taken over
     */
    public record Options(String simulation, Duration duration, double rate, String size, String crash, Duration at,
                          boolean baseline) {}

    /**
     * @param exitCode  Gatling's
     * @param report    Gatling's report, if it wrote one
     * @param crashedAt when the node was crashed (ms since the epoch), 0 for none
     * @param resent    requests Gatling's client sent again, on a new connection, because the keep-alive connection it
     *                  had sent them on closed first: a failure Gatling hides from its statistics
     */
    public record Result(int exitCode, Optional<Path> report, long crashedAt, long resent) {}

    /** What Gatling's client logs (at debug, see load-test's logback.xml) when it sends a request again. */
    static final String RESENT = "Retrying with new HTTP/1.1 connection";

    /** Requests started this long after a crash still count as "during" it. */
    static final Duration DURING = Duration.ofSeconds(5);

    private final Lab lab;
    private final Path home;
    private final PrintWriter out;

    public LoadTest(Lab lab, Path home, PrintWriter out) {
        this.lab = lab;
        this.home = home;
        this.out = out;
    }

    public Result run(Options o) throws IOException, InterruptedException {
        String simulation = SIMULATIONS.get(o.simulation());
        if (simulation == null) {
            throw new IllegalArgumentException("unknown simulation " + o.simulation() + "; one of " + SIMULATIONS.keySet());
        }
        Path classes = home.resolve("load-test/target/classes");
        Path lib = home.resolve("load-test/target/lib");
        if (!Files.isDirectory(classes) || !Files.isDirectory(lib)) {
            throw new LabException("the load-test module is not built (" + lib + "): run mvn package");
        }
        LabStatus status = lab.status();
        if (!status.up() || !status.nodes().stream().allMatch(LabStatus.NodeStatus::healthy)
                || lab.resumesConnections() == o.baseline()) {
            lab.up(3, !o.baseline());
        }
        Path results = lab.dir().resolve("gatling");
        Files.createDirectories(results);
        Path timeline = results.resolve("timeline-" + System.currentTimeMillis() + ".csv");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", LabLayout.CLIENT.namespace(),
                ProcessHandle.current().info().command().orElse("java"),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Xmx1g",
                "-cp", classes + ":" + lib + "/*",
                "-Dtakeover.vips=" + String.join(",", lab.layout().vips()),
                "-Dtakeover.duration=" + o.duration().toSeconds(),
                "-Dtakeover.rate=" + o.rate(),
                "-Dtakeover.size=" + o.size(),
                "-Dtakeover.timeline=" + timeline,
                "io.gatling.app.Gatling", "-s", simulation, "-rf", results.toString()));
        Process gatling = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        List<String> lines = new ArrayList<>();
        Thread reader = Thread.ofPlatform().name("gatling-output").start(() -> echo(gatling, lines));
        long crashedAt = 0;
        if (o.crash() != null) {
            Thread.sleep(o.at());
            crashedAt = System.currentTimeMillis();
            lab.crash(o.crash());
        }
        long limit = o.duration().toSeconds() + 300;
        if (!gatling.waitFor(limit, TimeUnit.SECONDS)) {
            gatling.destroyForcibly();
            throw new LabException("Gatling did not finish within " + limit + " s");
        }
        reader.join(5000);
        Optional<Path> report;
        long resent;
        synchronized (lines) {
            report = lines.stream().filter(l -> l.contains("please open the following file: file://")).findFirst()
                    .map(l -> Path.of(l.substring(l.indexOf("file://") + 7)));
            resent = lines.stream().filter(l -> l.contains(RESENT)).count();
        }
        report.ifPresent(r -> out.printf("Gatling report: %s%n", r));
        out.printf("requests sent again by Gatling's client after their keep-alive connection closed: %d%n", resent);
        if (crashedAt > 0) {
            out.printf("crashed %s at %d ms since the epoch (%d ms into the load)%n", o.crash(), crashedAt, o.at().toMillis());
            if (Files.exists(timeline)) {
                out.printf("%-8s %9s %7s %8s %8s %8s %8s   (during: in flight at the crash or started within %d s)%n",
                        "phase", "requests", "failed", "p50 ms", "p95 ms", "p99 ms", "max ms", DURING.toSeconds());
                for (CrashPhases.Phase p : CrashPhases.split(CrashPhases.parse(Files.readAllLines(timeline)), crashedAt,
                        DURING.toMillis())) {
                    out.printf("%-8s %9d %7d %8d %8d %8d %8d%n", p.name(), p.requests(), p.failed(), p.p50(), p.p95(),
                            p.p99(), p.max());
                }
            }
        }
        out.flush();
        return new Result(gatling.exitValue(), report, crashedAt, resent);
    }

    /** Prints Gatling's summary blocks (not its progress reports) and keeps every line. */
    private void echo(Process gatling, List<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(gatling.getInputStream(), StandardCharsets.UTF_8))) {
            boolean summary = false;
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(line);
                }
                if (line.startsWith("---- Global Information")) {
                    summary = true;
                }
                if (summary || line.startsWith("Global:") || line.contains("ERROR") || line.startsWith("Reports generated")) {
                    out.println(line);
                    out.flush();
                }
            }
        } catch (IOException e) {
            out.println("(Gatling's output lost: " + e.getMessage() + ")");
        }
    }
}
