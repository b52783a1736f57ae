package dev.takeover.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The drill's HTML report: a chart of throughput over time per VIP (inline SVG, no scripts or
 * external files), the crash and each takeover step marked, then the per-connection table.
 */
public final class DrillHtml {
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
    private static final int W = 960, H = 360, LEFT = 60, BOTTOM = 40, TOP = 20, RIGHT = 160;

    private DrillHtml() {}

    public static void write(Drill.Result r, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, render(r), StandardCharsets.UTF_8);
    }

    static String render(Drill.Result r) {
        DrillClient.Report c = r.client();
        int buckets = c.throughput().values().stream().mapToInt(a -> a.length).max().orElse(1);
        double max = 1;
        for (long[] s : c.throughput().values()) {
            for (long v : s) {
                max = Math.max(max, v * 1000.0 / DrillClient.BUCKET_MILLIS / (1 << 20));
            }
        }
        double xs = (double) (W - LEFT - RIGHT) / Math.max(1, buckets - 1);
        double ys = (H - TOP - BOTTOM) / max;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format("<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='12'>", W, H));
        svg.append(String.format("<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>", LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM));
        svg.append(String.format("<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>", LEFT, TOP, LEFT, H - BOTTOM));
        svg.append(String.format("<text x='%d' y='%d'>MiB/s</text>", 5, TOP + 10));
        svg.append(String.format("<text x='%d' y='%d' text-anchor='end'>%.0f</text>", LEFT - 5, TOP + 5, max));
        svg.append(String.format("<text x='%d' y='%d' text-anchor='end'>time (s)</text>", W - RIGHT, H - 5));
        for (int s = 0; s * 1000 / DrillClient.BUCKET_MILLIS < buckets; s++) {
            double x = LEFT + s * 1000.0 / DrillClient.BUCKET_MILLIS * xs;
            svg.append(String.format("<text x='%.1f' y='%d' text-anchor='middle'>%d</text>", x, H - BOTTOM + 15, s));
        }
        int i = 0;
        for (Map.Entry<String, long[]> e : c.throughput().entrySet()) {
            String color = COLORS[i % COLORS.length];
            StringBuilder points = new StringBuilder();
            long[] s = e.getValue();
            for (int b = 0; b < s.length; b++) {
                double mib = s[b] * 1000.0 / DrillClient.BUCKET_MILLIS / (1 << 20);
                points.append(String.format("%.1f,%.1f ", LEFT + b * xs, H - BOTTOM - mib * ys));
            }
            svg.append(String.format("<polyline fill='none' stroke='%s' stroke-width='1.5' points='%s'/>", color, points));
            svg.append(String.format("<text x='%d' y='%d' fill='%s'>%s%s</text>", W - RIGHT + 10, TOP + 15 * (i + 1), color,
                    e.getKey(), r.crashedVips().contains(e.getKey()) ? " (crashed node)" : ""));
            i++;
        }
        marker(svg, r, r.crashedAt(), "crash", "#d62728", 0);
        int row = 1;
        for (Drill.Takeover t : r.takeovers()) {
            marker(svg, r, t.claimed(), "claim " + t.vip(), "#555", row++);
            marker(svg, r, t.resumed(), "resumed " + t.vip(), "#2ca02c", row++);
        }
        svg.append("</svg>");

        StringBuilder rows = new StringBuilder();
        for (DrillClient.Download d : c.downloads()) {
            boolean affected = r.crashedVips().contains(d.vip());
            OptionalLong resumed = r.resumedAfterCrash(d);
            rows.append(String.format("<tr class='%s'><td>%d</td><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td></tr>",
                    d.ok() ? "ok" : "bad", d.id(), d.vip(), affected && d.ok() ? "resumed" : d.outcome(), d.received(),
                    d.maxStall(), resumed.isPresent() ? "+" + resumed.getAsLong() : "", escape(d.detail())));
        }
        long ok = c.downloads().stream().filter(DrillClient.Download::ok).count();
        return """
                <!doctype html><html><head><meta charset='utf-8'><title>takeover drill</title>
                <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
                tr.bad{background:#fdd}</style></head><body>
                <h1>Kill-a-node drill</h1>
                <p>%d downloads of %s, %s crashed %d ms after the start; %d complete and byte-exact, %d lost or wrong.</p>
                %s
                <h2>Takeovers</h2><table><tr><th>VIP</th><th>by</th><th>detected</th><th>claimed</th><th>probed</th><th>rebuilt</th><th>resumed</th><th>connections resumed / reset / dropped</th></tr>%s</table>
                <p>Times in ms after the crash.</p>
                <h2>Downloads</h2><table><tr><th>#</th><th>VIP</th><th>outcome</th><th>bytes</th><th>longest gap between reads (ms)</th><th>crash to resumed bytes (ms)</th><th>detail</th></tr>%s</table>
                </body></html>
                """.formatted(c.downloads().size(), r.options().size(), r.options().crash(), r.crashedAt() - c.started(), ok,
                c.downloads().size() - ok, svg, takeoverRows(r), rows);
    }

    private static String takeoverRows(Drill.Result r) {
        StringBuilder b = new StringBuilder();
        long t0 = r.crashedAt();
        for (Drill.Takeover t : r.takeovers()) {
            b.append(String.format("<tr><td>%s</td><td>%s</td><td>+%d</td><td>+%d</td><td>+%d</td><td>+%d</td><td>+%d</td><td>%d / %d / %d</td></tr>",
                    t.vip(), t.by(), t.detected() - t0, t.claimed() - t0, t.probed() - t0, t.rebuilt() - t0, t.resumed() - t0,
                    t.resumedConnections(), t.resetConnections(), t.droppedConnections()));
        }
        return b.toString();
    }

    private static void marker(StringBuilder svg, Drill.Result r, long at, String label, String color, int row) {
        if (at <= 0) {
            return;
        }
        double x = LEFT + (double) (at - r.client().started()) / DrillClient.BUCKET_MILLIS
                * (W - LEFT - RIGHT) / Math.max(1, r.client().throughput().values().stream().mapToInt(a -> a.length).max().orElse(1) - 1);
        svg.append(String.format("<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='%s' stroke-dasharray='4,3'/>", x, TOP, x, H - BOTTOM, color));
        svg.append(String.format("<text x='%.1f' y='%d' fill='%s'>%s</text>", x + 3, TOP + 12 + 12 * row, color, escape(label)));
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

}
