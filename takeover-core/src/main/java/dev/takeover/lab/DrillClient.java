package dev.takeover.lab;

import dev.takeover.origin.SyntheticObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * The client side of a drill, run inside {@code tko-client}: concurrent downloads of distinct
 * synthetic objects through every VIP, each byte checked against the origin's deterministic content
 * as it arrives, with the longest stall of each connection and the throughput of each VIP over time.
 *
 * <p>Every download is bounded: a read that waits longer than the timeout ends it ("stalled").
 */
public final class DrillClient {
    /** Throughput is sampled in buckets of this many milliseconds. */
    public static final int BUCKET_MILLIS = 100;
    private static final int MAX_BUCKETS = 6000;
    /** Gaps between reads at least this long are kept, so a takeover's gap can be found once the crash is known. */
    static final long GAP_MILLIS = 100;
    /** Gaps kept per download, the first ones: a drill's takeover comes seconds into a download. */
    private static final int MAX_GAPS = 256;

    /**
     * A wait between two reads of at least {@value #GAP_MILLIS} ms, once the response had begun.
     *
     * @param at     when the last read before it returned (epoch ms)
     * @param millis how long until the next read returned
     */
    public record Gap(long at, long millis) {
        /** @return whether no byte arrived at {@code instant} (epoch ms) because this gap was under way */
        public boolean spans(long instant) {
            return at <= instant && instant < at + millis;
        }

        /** @return when the read that ended the gap returned (epoch ms) */
        public long end() {
            return at + millis;
        }
    }

    /**
     * One download.
     *
     * @param outcome  {@code ok}; or {@code reset}, {@code closed} (EOF before the end), {@code mismatch}
     *                 (a wrong byte), {@code stalled} (no byte within the timeout), {@code error}
     * @param maxStall  the longest gap between two reads once the response had begun, ms
     * @param stallAt   when that gap began (epoch ms)
     * @param firstByte ms from the request to the end of the response header, -1 if it never came
     * @param gaps      the gaps of at least {@value #GAP_MILLIS} ms between reads, in order (at most {@value #MAX_GAPS})
     */
    public record Download(int id, String vip, String target, long expected, long received, String outcome, String detail,
                           long maxStall, long stallAt, long started, long ended, long firstByte, List<Gap> gaps) {
        public boolean ok() {
            return outcome.equals("ok");
        }
    }

    /**
     * @param throughput bytes received per {@link #BUCKET_MILLIS} bucket since {@code started}, per VIP
     */
    public record Report(long started, List<Download> downloads, Map<String, long[]> throughput) {}

    private DrillClient() {}

    /** Runs {@code clients} downloads of {@code size} spread over {@code vips}; {@code progress} gets a line every 0.1 s. */
    public static Report run(List<String> vips, String size, int clients, Duration timeout, Consumer<String> progress)
            throws InterruptedException {
        long started = System.currentTimeMillis();
        Map<String, AtomicLongArray> buckets = new LinkedHashMap<>();
        vips.forEach(v -> buckets.put(v, new AtomicLongArray(MAX_BUCKETS)));
        AtomicLong received = new AtomicLong();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger begun = new AtomicInteger();
        long expectedTotal;
        List<Future<Download>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long total = 0;
            for (int i = 0; i < clients; i++) {
                String vip = vips.get(i % vips.size());
                String target = "/synthetic/" + size + "/drill-" + started + "-" + i;
                total += SyntheticObject.parse(target).orElseThrow().length();
                int id = i;
                futures.add(pool.submit(() -> {
                    Download d = download(id, vip, target, timeout, started, buckets.get(vip), received,
                            begun::incrementAndGet);
                    finished.incrementAndGet();
                    if (!d.ok()) {
                        failed.incrementAndGet();
                    }
                    return d;
                }));
            }
            expectedTotal = total;
            while (finished.get() < clients) {
                Thread.sleep(100);
                progress.accept(String.format("progress %d %d %d %d %d %d", received.get(), expectedTotal, finished.get(),
                        failed.get(), clients, begun.get()));
            }
        }
        List<Download> downloads = new ArrayList<>();
        for (Future<Download> f : futures) {
            try {
                downloads.add(f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a download crashed the client", e.getCause());
            }
        }
        int used = (int) Math.min(MAX_BUCKETS, (System.currentTimeMillis() - started) / BUCKET_MILLIS + 1);
        Map<String, long[]> throughput = new LinkedHashMap<>();
        buckets.forEach((vip, b) -> {
            long[] series = new long[used];
            for (int i = 0; i < used; i++) {
                series[i] = b.get(i);
            }
            throughput.put(vip, series);
        });
        return new Report(started, downloads, throughput);
    }

    private static Download download(int id, String vip, String target, Duration timeout, long started,
                                     AtomicLongArray buckets, AtomicLong total, Runnable begun) {
        SyntheticObject object = SyntheticObject.parse(target).orElseThrow();
        long expected = object.length();
        long begin = System.currentTimeMillis();
        long got = 0;
        long last = begin;
        long maxStall = 0;
        long stallAt = 0;
        long firstByte = -1;
        List<Gap> gaps = new ArrayList<>();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(vip, LabLayout.HTTP_PORT), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + vip + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String head = readHead(in);
            if (!head.startsWith("HTTP/1.1 200")) {
                return new Download(id, vip, target, expected, 0, "error", head.lines().findFirst().orElse(""), 0, 0, begin,
                        System.currentTimeMillis(), -1, List.of());
            }
            last = System.currentTimeMillis(); // the wait for the first byte is not a stall: it is firstByte
            firstByte = last - begin;
            begun.run();
            byte[] buf = new byte[64 * 1024];
            byte[] want = new byte[buf.length];
            while (got < expected) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, expected - got));
                long now = System.currentTimeMillis();
                if (n < 0) {
                    return new Download(id, vip, target, expected, got, "closed", "EOF at byte " + got, maxStall, stallAt,
                            begin, now, firstByte, gaps);
                }
                if (now - last >= GAP_MILLIS && gaps.size() < MAX_GAPS) {
                    gaps.add(new Gap(last, now - last));
                }
                if (now - last > maxStall) {
                    maxStall = now - last;
                    stallAt = last;
                }
                last = now;
                object.read(got, want, 0, n);
                if (!java.util.Arrays.equals(buf, 0, n, want, 0, n)) {
                    int at = java.util.Arrays.mismatch(buf, 0, n, want, 0, n);
                    return new Download(id, vip, target, expected, got, "mismatch", "wrong byte at " + (got + at), maxStall,
                            stallAt, begin, now, firstByte, gaps);
                }
                got += n;
                total.addAndGet(n);
                int bucket = (int) ((now - started) / BUCKET_MILLIS);
                if (bucket < buckets.length()) {
                    buckets.addAndGet(bucket, n);
                }
            }
            return new Download(id, vip, target, expected, got, "ok", "", maxStall, stallAt, begin, System.currentTimeMillis(),
                    firstByte, gaps);
        } catch (SocketTimeoutException e) {
            return new Download(id, vip, target, expected, got, "stalled", "no byte for " + timeout.toSeconds() + " s",
                    maxStall, stallAt, begin, System.currentTimeMillis(), firstByte, gaps);
        } catch (SocketException e) {
            return new Download(id, vip, target, expected, got, e.getMessage() != null && e.getMessage().contains("reset")
                    ? "reset" : "error", e.getMessage(), maxStall, stallAt, begin, System.currentTimeMillis(), firstByte, gaps);
        } catch (IOException e) {
            return new Download(id, vip, target, expected, got, "error", e.toString(), maxStall, stallAt, begin,
                    System.currentTimeMillis(), firstByte, gaps);
        }
    }

    /** Reads a response header block, through its empty line. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new SocketException("connection closed before the response header ended");
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
