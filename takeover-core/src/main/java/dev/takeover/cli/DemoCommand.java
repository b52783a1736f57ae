package dev.takeover.cli;

import dev.takeover.origin.OriginServer;
import dev.takeover.origin.OriginSettings;
import dev.takeover.origin.SyntheticObject;
import dev.takeover.proxy.ProxyServer;
import dev.takeover.proxy.ProxySettings;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code takeover demo}: one node in front of the embedded origin on loopback, checked once with a
 * real download (a miss, then a hit, both compared byte for byte with the origin's content), then
 * left running for you to try.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run one node in front of the embedded origin on loopback, check it, and keep it running.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "The node's port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--origin-port", defaultValue = "9000", description = "The origin's port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int originPort;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds (default: run until Ctrl-C).")
    Long duration;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (OriginServer origin = OriginServer.start(OriginSettings.of(new InetSocketAddress("127.0.0.1", originPort)));
             ProxyServer node = ProxyServer.start(ProxySettings.of(new InetSocketAddress("127.0.0.1", port),
                     URI.create("http://127.0.0.1:" + origin.address().getPort())))) {
            String base = "http://127.0.0.1:" + node.address().getPort();
            out.printf("origin  http://127.0.0.1:%d%nnode    %s%n%n", origin.address().getPort(), base);
            boolean ok = check(out, base + "/synthetic/8m") & check(out, base + "/synthetic/8m");
            out.printf("%nTry:  curl -sv -o /dev/null %s/synthetic/1g      (X-Cache: MISS, then HIT)%n", base);
            out.printf("      curl -s -r 100-199 %s/synthetic/1g | od -A d -t x1 | head%n", base);
            out.println(duration == null ? "Ctrl-C stops." : "Stopping in " + duration + " s.");
            out.flush();
            if (!ok) {
                return 1;
            }
            if (duration == null) {
                node.awaitClose();
            } else {
                Thread.sleep(Duration.ofSeconds(duration));
            }
        }
        return 0;
    }

    /** Downloads {@code url} through the node and compares it with the synthetic object's bytes. */
    private static boolean check(PrintWriter out, String url) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long start = System.nanoTime();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        long millis = (System.nanoTime() - start) / 1_000_000;
        SyntheticObject expected = SyntheticObject.parse(URI.create(url).getPath()).orElseThrow();
        byte[] want = new byte[(int) expected.length()];
        expected.read(0, want, 0, want.length);
        boolean same = r.statusCode() == 200 && Arrays.equals(r.body(), want);
        out.printf("GET %s -> %d, %d bytes, X-Cache: %s, %d ms, %s%n", url, r.statusCode(), r.body().length,
                r.headers().firstValue("X-Cache").orElse("-"), millis, same ? "bytes match the origin" : "BYTES DIFFER");
        return same;
    }
}
