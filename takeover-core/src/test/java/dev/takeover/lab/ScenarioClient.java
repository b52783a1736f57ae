package dev.takeover.lab;

import dev.takeover.origin.SyntheticObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The client side of one takeover scenario, run inside {@code tko-client} by {@link TakeoverLabTest}:
 * it sets a connection up, prints {@code READY}, waits for {@code GO} on standard input (the test
 * crashes the node in between), finishes, and prints one {@code RESULT ...} line.
 *
 * <ul>
 *   <li>{@code idle VIP}: a keep-alive connection answers one request, then (after the takeover)
 *       another on the same connection;</li>
 *   <li>{@code unrecorded VIP}: after one answered request, the client sends part of another, which
 *       the node acknowledges but cannot have recorded: the survivor must reset the connection;</li>
 *   <li>{@code during VIP}: after one answered request, the client sends another once the node is dead (told
 *       GO right after the crash): nobody acknowledged it, the client sends it again, and the survivor answers it;</li>
 *   <li>{@code changed VIP TARGET ORIGINAL}: a download of a file whose content changes at the origin
 *       during the takeover: the client must get the old bytes only, then a reset.</li>
 * </ul>
 */
public final class ScenarioClient {
    public static void main(String[] args) throws Exception {
        BufferedReader control = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(args[1], LabLayout.HTTP_PORT), 5000);
            s.setSoTimeout(15_000);
            String result = switch (args[0]) {
                case "idle" -> idle(s, args[1], control);
                case "unrecorded" -> unrecorded(s, args[1], control);
                case "during" -> during(s, args[1], control);
                case "changed" -> changed(s, args[1], args[2], Files.readAllBytes(Path.of(args[3])), control);
                default -> "unknown scenario " + args[0];
            };
            System.out.println("RESULT " + result);
        } catch (IOException e) {
            System.out.println("RESULT error " + e);
        }
    }

    private static String idle(Socket s, String vip, BufferedReader control) throws IOException {
        String first = get(s, vip, "/synthetic/1k/idle-" + System.nanoTime());
        if (!first.equals("ok")) {
            return "first request " + first;
        }
        ready(control);
        return get(s, vip, "/synthetic/2k/idle-" + System.nanoTime());
    }

    private static String during(Socket s, String vip, BufferedReader control) throws IOException {
        String first = get(s, vip, "/synthetic/1k/during-" + System.nanoTime());
        if (!first.equals("ok")) {
            return "first request " + first;
        }
        ready(control);
        try {
            return get(s, vip, "/synthetic/2k/during-" + System.nanoTime());
        } catch (SocketException e) {
            return e.getMessage() != null && e.getMessage().contains("reset") ? "reset" : "error " + e.getMessage();
        }
    }

    private static String unrecorded(Socket s, String vip, BufferedReader control) throws IOException {
        String first = get(s, vip, "/synthetic/1k/unrecorded-" + System.nanoTime());
        if (!first.equals("ok")) {
            return "first request " + first;
        }
        s.getOutputStream().write("GET /synthetic/1k HTTP/1.1\r\nHo".getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        ready(control);
        try {
            int b = s.getInputStream().read();
            return b < 0 ? "eof" : "data";
        } catch (SocketTimeoutException e) {
            return "timeout";
        } catch (SocketException e) {
            return e.getMessage() != null && e.getMessage().contains("reset") ? "reset" : "error " + e.getMessage();
        }
    }

    private static String changed(Socket s, String vip, String target, byte[] original, BufferedReader control) throws IOException {
        s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + vip + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        String head = DrillClient.readHead(in);
        if (!head.startsWith("HTTP/1.1 200")) {
            return "status " + head.lines().findFirst().orElse("");
        }
        byte[] buf = new byte[16 * 1024];
        int got = 0;
        boolean signalled = false;
        try {
            while (got < original.length) {
                if (!signalled && got >= 1 << 20) {
                    ready(control);
                    signalled = true;
                }
                int n = in.read(buf, 0, Math.min(buf.length, original.length - got));
                if (n < 0) {
                    return "eof at " + got;
                }
                if (!java.util.Arrays.equals(buf, 0, n, original, got, got + n)) {
                    return "mismatch at " + got;
                }
                got += n;
            }
            return "complete";
        } catch (SocketException e) {
            return (e.getMessage() != null && e.getMessage().contains("reset") ? "reset" : "error") + " at " + got;
        }
    }

    private static void ready(BufferedReader control) throws IOException {
        // The lab replicates checkpoints write-behind: a crash within the replication delay loses the newest one, by
        // design (REPLICATION.md), and right after a node rejoined that delay grows to a second or so while the
        // cluster rebalances. The scenarios test the takeover, not that window: let replication catch up first.
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        System.out.println("READY");
        System.out.flush();
        if (!"GO".equals(control.readLine())) {
            throw new IOException("the test did not say GO");
        }
    }

    /** One GET on the keep-alive connection, its body checked against the synthetic content. */
    private static String get(Socket s, String vip, String target) throws IOException {
        s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + vip + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        String head = DrillClient.readHead(in);
        if (!head.startsWith("HTTP/1.1 200")) {
            return "status " + head.lines().findFirst().orElse("");
        }
        SyntheticObject o = SyntheticObject.parse(target).orElseThrow();
        byte[] body = in.readNBytes((int) o.length());
        byte[] want = new byte[(int) o.length()];
        o.read(0, want, 0, want.length);
        return java.util.Arrays.equals(body, want) ? "ok" : "wrong body (" + body.length + " bytes)";
    }
}
