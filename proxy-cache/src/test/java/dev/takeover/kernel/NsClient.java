package dev.takeover.kernel;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The client of the namespace test, run in its own JVM inside its namespace: sends a request, then checks every
 * byte of the stream and that it ends exactly after {@code total} bytes. Prints {@code client-ok ...} and exits 0,
 * or prints what went wrong and exits 1.
 *
 * <p>Arguments: address, port, total bytes.
 */
public final class NsClient {

    static final byte[] REQUEST = "GET /x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private NsClient() {
    }

    public static void main(String[] args) throws Exception {
        long total = Long.parseLong(args[2]);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 5_000);
            s.setSoTimeout(30_000); // hang protection only: a takeover stalls the stream for well under a second
            s.getOutputStream().write(REQUEST);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            long got = 0;
            long longestStallNanos = 0;
            long stallEndedAt = 0;
            long last = System.nanoTime();
            while (got < total) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, total - got));
                if (n < 0) {
                    System.out.println("client: EOF after " + got + " of " + total + " bytes");
                    System.exit(1);
                }
                long now = System.nanoTime();
                if (now - last > longestStallNanos) {
                    longestStallNanos = now - last;
                    stallEndedAt = got;
                }
                last = now;
                int bad = StreamPattern.firstMismatch(got, buf, n);
                if (bad >= 0) {
                    System.out.println("client: wrong byte at offset " + (got + bad));
                    System.exit(1);
                }
                got += n;
            }
            int after = in.read();
            if (after != -1) {
                System.out.println("client: stream did not end after " + total + " bytes");
                System.exit(1);
            }
            System.out.printf("client-ok bytes=%d longest-stall-ms=%.1f stall-ended-at=%d%n", got,
                    longestStallNanos / 1e6, stallEndedAt);
        }
    }
}
