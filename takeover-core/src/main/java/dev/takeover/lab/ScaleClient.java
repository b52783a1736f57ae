package dev.takeover.lab;

import dev.takeover.origin.SyntheticObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the takeover-scale benchmark, run inside {@code tko-client}: opens many keep-alive connections
 * over the given VIPs and asks one small object on each; the last ones opened ({@code --active}) then start a long
 * download.
 * It prints {@code READY} and waits for a line on standard input (the benchmark crashes the VIPs' node meanwhile),
 * then every idle connection asks a second object on the same connection, every download is read to its end, and
 * each byte is checked. It prints one {@code RESULT} line per outcome with its count.
 *
 * <p>Bounded: connections open at most {@value #OPENING} at a time, and every read gives up after the timeout.
 */
public final class ScaleClient {
    private static final int OPENING = 200;

    private ScaleClient() {
    }

    /**
     * @param vips        where to connect, round robin
     * @param connections how many connections
     * @param active      how many of them download {@code activeSize} across the crash
     * @return the outcome of each connection: {@code ok}, or what went wrong
     */
    public static Map<String, Integer> run(List<String> vips, int connections, int active, String activeSize,
                                           Duration timeout, BufferedReader control, PrintStream out)
            throws InterruptedException {
        Semaphore opening = new Semaphore(OPENING);
        CountDownLatch opened = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < connections; i++) {
                String vip = vips.get(i % vips.size());
                boolean downloads = i >= connections - active; // the last ones: their downloads span the crash
                int id = i;
                results.add(pool.submit(() -> connection(id, vip, downloads ? activeSize : null, timeout, opening,
                        opened, go)));
            }
            if (!opened.await(timeout.toMillis() * 4, TimeUnit.MILLISECONDS)) {
                out.println("NOT READY: " + opened.getCount() + " connections did not open");
            }
            out.println("READY");
            out.flush();
            try {
                control.readLine();
            } catch (IOException e) {
                out.println("control closed: " + e.getMessage());
            }
            go.countDown();
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (Future<String> f : results) {
            String outcome;
            try {
                outcome = f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                outcome = "error " + e.getCause();
            }
            counts.merge(outcome, 1, Integer::sum);
        }
        return counts;
    }

    private static String connection(int id, String vip, String activeSize, Duration timeout, Semaphore opening,
                                     CountDownLatch opened, CountDownLatch go) {
        try (Socket s = new Socket()) {
            boolean counted = false;
            try {
                opening.acquire();
                try {
                    s.connect(new InetSocketAddress(vip, LabLayout.HTTP_PORT), (int) timeout.toMillis());
                    s.setSoTimeout((int) timeout.toMillis());
                    String first = get(s, vip, "/synthetic/1k/scale");
                    if (!first.equals("ok")) {
                        return "first request: " + first;
                    }
                } finally {
                    opening.release();
                }
                if (activeSize == null) {
                    opened.countDown();
                    counted = true;
                    go.await();
                    return get(s, vip, "/synthetic/2k/scale-after");
                }
                // An active connection: its download runs across the crash.
                String target = "/synthetic/" + activeSize + "/scale-" + id;
                send(s, vip, target);
                opened.countDown();
                counted = true;
                return body(s, SyntheticObject.parse(target).orElseThrow());
            } finally {
                if (!counted) {
                    opened.countDown();
                }
            }
        } catch (SocketException e) {
            return e.getMessage() != null && e.getMessage().contains("reset") ? "reset" : "error " + e.getMessage();
        } catch (IOException | InterruptedException e) {
            return "error " + e;
        }
    }

    private static void send(Socket s, String vip, String target) throws IOException {
        s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + vip + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    private static String get(Socket s, String vip, String target) throws IOException {
        send(s, vip, target);
        return body(s, SyntheticObject.parse(target).orElseThrow());
    }

    /** Reads one response to a request for {@code object} and checks every byte. */
    private static String body(Socket s, SyntheticObject object) throws IOException {
        InputStream in = s.getInputStream();
        String head = DrillClient.readHead(in);
        if (!head.startsWith("HTTP/1.1 200")) {
            return "status " + head.lines().findFirst().orElse("");
        }
        long length = object.length();
        byte[] buf = new byte[64 * 1024];
        byte[] want = new byte[buf.length];
        long got = 0;
        while (got < length) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, length - got));
            if (n < 0) {
                return "closed at " + got;
            }
            object.read(got, want, 0, n);
            if (!Arrays.equals(buf, 0, n, want, 0, n)) {
                return "mismatch";
            }
            got += n;
        }
        return "ok";
    }
}
