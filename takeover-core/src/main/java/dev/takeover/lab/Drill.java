package dev.takeover.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kill-a-node drill: concurrent downloads from {@code tko-client} through every VIP, a host crash
 * of one node mid-transfer, every byte verified. Prints progress, then each connection (resumed or
 * reset, bytes, client-side stall), the totals and the takeover timeline (detection, claim, probe,
 * rebuild, first resumed byte), and writes an HTML report with a throughput chart per VIP.
 */
public final class Drill {
    /**
     * @param size    object size per download (e.g. {@code 48m})
     * @param clients concurrent downloads
     * @param crash   the node to crash
     * @param at      how long after the downloads start
     * @param timeout longest a client waits for a byte
     */
    public record Options(String size, int clients, String crash, Duration at, Duration timeout) {}

    /** The takeover of one VIP as a survivor logged it (a {@code TAKEOVER} line). */
    public record Takeover(String vip, String by, long detected, long claimed, long probed, long rebuilt, long resumed,
                           long resumedConnections, long resetConnections, long droppedConnections) {}

    /** Everything the drill learned. */
    public record Result(Options options, long crashedAt, DrillClient.Report client, List<Takeover> takeovers,
                         List<String> crashedVips) {
        public boolean allOk() {
            return client.downloads().stream().allMatch(DrillClient.Download::ok);
        }

        /**
         * The client-side stall as the issue defines it, from the host crash to resumed bytes: ms from the crash to
         * the first read after the takeover of the download's VIP, found as the end of the gap between reads under way
         * when that takeover began (the connection had no socket then, so it cannot have been reading). The longest
         * gap of a download ({@code maxStall}) may start well before the crash on a loaded machine, and is longer.
         *
         * @return empty when the download's VIP was not taken over, or no gap of the download spans that moment
         */
        public OptionalLong resumedAfterCrash(DrillClient.Download d) {
            OptionalLong began = takeovers.stream().filter(t -> t.vip().equals(d.vip())).mapToLong(Takeover::detected).min();
            if (began.isEmpty()) {
                return OptionalLong.empty();
            }
            return d.gaps().stream().filter(g -> g.spans(began.getAsLong()))
                    .mapToLong(g -> g.end() - crashedAt).findFirst();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Lab lab;
    private final PrintWriter out;

    public Drill(Lab lab, PrintWriter out) {
        this.lab = lab;
        this.out = out;
    }

    /** Runs the drill; brings the lab up first unless a healthy one is up. */
    public Result run(Options o) throws IOException, InterruptedException {
        LabStatus status = lab.status();
        if (!status.up() || !status.nodes().stream().allMatch(LabStatus.NodeStatus::healthy)
                || status.nodes().stream().anyMatch(n -> n.vips().isEmpty())) {
            lab.up(3);
        }
        LabLayout layout = lab.layout();
        LabLayout.Node victim = layout.node(o.crash());
        List<String> crashedVips = new LabNetwork(layout).addresses(victim.host()).stream()
                .filter(a -> !a.equals(victim.host().address())).toList();
        Path resultFile = lab.dir().resolve("drill").resolve("client.json");
        Files.createDirectories(resultFile.getParent());
        Files.deleteIfExists(resultFile);
        say("drill: %d downloads of %s over %s; crashing %s (%s) after %d ms", o.clients(), o.size(), layout.vips(),
                o.crash(), crashedVips, o.at().toMillis());

        Process client = lab.startInClient(List.of("lab", "client", "--vips", String.join(",", layout.vips()),
                "--size", o.size(), "--clients", Integer.toString(o.clients()), "--timeout", Long.toString(o.timeout().toSeconds()),
                "--out", resultFile.toString()));
        AtomicInteger begun = new AtomicInteger();
        Thread progress = Thread.ofPlatform().name("drill-progress").start(() -> echoProgress(client, begun));
        Thread.sleep(o.at());
        // A mid-transfer crash: not before every download has its response under way (a cold lab can take longer
        // than --at to send the first bytes, and a request whose response had not begun is not a transfer). Even once
        // downloads on the other nodes have ended: the slowest node to begin its responses was the one about to crash,
        // and its requests still unanswered then had been acknowledged by its kernel before any checkpoint of them
        // existed (seen in TakeoverLabTest's 200 downloads, crashed when the first one ended).
        long deadline = System.nanoTime() + o.timeout().toNanos();
        while (begun.get() < o.clients() && client.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (begun.get() < o.clients()) {
            say("  crashing with %d of %d downloads not yet begun", o.clients() - begun.get(), o.clients());
        }
        long crashedAt = System.currentTimeMillis();
        lab.crash(o.crash());
        long limit = o.timeout().toSeconds() * 4 + 120;
        if (!client.waitFor(limit, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new LabException("the drill client did not finish within " + limit + " s; see " + lab.logs().resolve("client.log"));
        }
        progress.join(1000);
        if (client.exitValue() != 0 || !Files.exists(resultFile)) {
            throw new LabException("the drill client failed (exit " + client.exitValue() + "); see " + lab.logs().resolve("client.log"));
        }
        DrillClient.Report report = JSON.readValue(resultFile.toFile(), DrillClient.Report.class);
        Result result = new Result(o, crashedAt, report, takeovers(layout, o.crash(), crashedAt), crashedVips);
        print(result);
        return result;
    }

    private void echoProgress(Process client, AtomicInteger begun) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
            long lastPrint = 0;
            for (String line; (line = r.readLine()) != null; ) {
                String[] p = line.split(" ");
                if (p.length == 7 && p[0].equals("progress")) {
                    begun.set(Integer.parseInt(p[6]));
                }
                if (p.length == 7 && p[0].equals("progress") && System.currentTimeMillis() - lastPrint >= 1000) {
                    lastPrint = System.currentTimeMillis();
                    long got = Long.parseLong(p[1]);
                    long all = Math.max(1, Long.parseLong(p[2]));
                    say("  %5.1f%%  %6d MiB of %d MiB  downloads done %s/%s, failed %s", 100.0 * got / all, got >> 20,
                            all >> 20, p[3], p[5], p[4]);
                }
            }
        } catch (IOException e) {
            say("  (progress lost: %s)", e.getMessage());
        }
    }

    /** The {@code TAKEOVER} lines the survivors logged after the crash. */
    private List<Takeover> takeovers(LabLayout layout, String crashed, long crashedAt) throws IOException {
        List<Takeover> found = new ArrayList<>();
        for (LabLayout.Node n : layout.nodes()) {
            Path log = lab.logs().resolve(n.name() + ".log");
            if (n.name().equals(crashed) || !Files.exists(log)) {
                continue;
            }
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                int at = line.indexOf("TAKEOVER {");
                if (at < 0) {
                    continue;
                }
                JsonNode t = JSON.readTree(line.substring(at + 9));
                if (t.get("detected").asLong() < crashedAt) {
                    continue;
                }
                long resumed = 0, reset = 0, dropped = 0;
                for (JsonNode c : t.get("connections")) {
                    switch (c.get("outcome").asText()) {
                        case "resumed" -> resumed++;
                        case "reset" -> reset++;
                        default -> dropped++;
                    }
                }
                found.add(new Takeover(t.get("vip").asText(), t.get("by").asText(), t.get("detected").asLong(),
                        t.get("claimed").asLong(), t.get("probed").asLong(), t.get("rebuilt").asLong(), t.get("resumed").asLong(),
                        resumed, reset, dropped));
            }
        }
        found.sort(Comparator.comparing(Takeover::vip));
        return found;
    }

    private void print(Result r) {
        long t0 = r.crashedAt();
        say("");
        say("%-4s %-14s %-8s %12s %9s %10s  %s", "#", "vip", "outcome", "bytes", "gap ms", "resumed", "detail");
        for (DrillClient.Download d : r.client().downloads()) {
            boolean affected = r.crashedVips().contains(d.vip());
            OptionalLong resumed = r.resumedAfterCrash(d);
            say("%-4d %-14s %-8s %12d %9d %10s  %s%s", d.id(), d.vip(), affected && d.ok() ? "resumed" : d.outcome(),
                    d.received(), d.maxStall(), resumed.isPresent() ? "+" + resumed.getAsLong() : "-",
                    affected ? "(on the crashed node) " : "", d.detail());
        }
        List<DrillClient.Download> affected = r.client().downloads().stream().filter(d -> r.crashedVips().contains(d.vip())).toList();
        long ok = r.client().downloads().stream().filter(DrillClient.Download::ok).count();
        long[] stalls = affected.stream().flatMapToLong(d -> r.resumedAfterCrash(d).stream()).sorted().toArray();
        long[] gaps = affected.stream().mapToLong(DrillClient.Download::maxStall).sorted().toArray();
        say("");
        say("downloads: %d, complete and byte-exact: %d, lost or wrong: %d; on the crashed node's VIPs: %d",
                r.client().downloads().size(), ok, r.client().downloads().size() - ok, affected.size());
        OptionalLong detected = r.takeovers().stream().mapToLong(t -> t.detected() - t0).min();
        if (stalls.length > 0) {
            say("client-side stall on those, crash to resumed bytes: p50 %d ms, max %d ms (of %d; detection %s, then %d ms"
                            + " to the first resumed byte)", stalls[stalls.length / 2], stalls[stalls.length - 1],
                    stalls.length, detected.isPresent() ? detected.getAsLong() + " ms" : "not logged",
                    stalls[0] - detected.orElse(0));
        }
        if (gaps.length > 0) {
            say("longest gap between two reads on those: p50 %d ms, max %d ms (it may begin before the crash)",
                    gaps[gaps.length / 2], gaps[gaps.length - 1]);
        }
        say("timeline (ms after the crash):");
        for (Takeover t : r.takeovers()) {
            say("  %-14s by %-3s detected +%d  claimed +%d  probed +%d  rebuilt %s  resumed +%d   (%d resumed, %d reset, %d dropped)",
                    t.vip(), t.by(), t.detected() - t0, t.claimed() - t0, t.probed() - t0,
                    t.rebuilt() == 0 ? "-" : "+" + (t.rebuilt() - t0), t.resumed() - t0,
                    t.resumedConnections(), t.resetConnections(), t.droppedConnections());
        }
        if (stalls.length > 0) {
            say("  first resumed byte at the client +%d", stalls[0]);
        }
        if (r.takeovers().isEmpty()) {
            say("  no takeover was logged by the survivors (see %s)", lab.logs());
        }
    }

    private void say(String format, Object... args) {
        out.println(args.length == 0 ? format : String.format(format, args));
        out.flush();
    }
}
