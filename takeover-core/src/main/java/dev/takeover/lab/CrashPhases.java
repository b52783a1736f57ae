package dev.takeover.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * Requests of a load test split around a crash: <em>before</em> (ended before it), <em>during</em> (in flight at the
 * crash, or started within {@code window} after it) and <em>after</em> (started later), each with its count, failures
 * and latency percentiles. Stateless.
 */
public final class CrashPhases {

    /** One request: epoch ms, and whether it succeeded. */
    public record Request(long start, long end, boolean ok) {}

    /** Latencies in ms; all 0 when the phase is empty. */
    public record Phase(String name, int requests, int failed, long p50, long p95, long p99, long max) {}

    private CrashPhases() {
    }

    public static List<Phase> split(List<Request> requests, long crash, long windowMillis) {
        List<Request> before = new ArrayList<>();
        List<Request> during = new ArrayList<>();
        List<Request> after = new ArrayList<>();
        for (Request r : requests) {
            if (r.end() < crash) {
                before.add(r);
            } else if (r.start() < crash + windowMillis) {
                during.add(r);
            } else {
                after.add(r);
            }
        }
        return List.of(phase("before", before), phase("during", during), phase("after", after));
    }

    private static Phase phase(String name, List<Request> rs) {
        long[] latencies = rs.stream().mapToLong(r -> r.end() - r.start()).sorted().toArray();
        int failed = (int) rs.stream().filter(r -> !r.ok()).count();
        return new Phase(name, rs.size(), failed, percentile(latencies, 50), percentile(latencies, 95),
                percentile(latencies, 99), latencies.length == 0 ? 0 : latencies[latencies.length - 1]);
    }

    /** Nearest-rank percentile of sorted values; 0 for none. */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Parses {@code start,end,ok} lines; a malformed line is an error naming it. */
    public static List<Request> parse(List<String> lines) {
        List<Request> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            String[] f = line.split(",");
            if (f.length != 3) {
                throw new IllegalArgumentException("not a start,end,ok line: " + line);
            }
            out.add(new Request(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2].equals("1")));
        }
        return out;
    }
}
