package dev.takeover.origin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The origin as seen by curl, a client that is not netty and not the JDK. Skipped where curl is absent. */
class OriginCurlTest {

    private static final Path CURL = Path.of("/usr/bin/curl");

    @TempDir
    Path temp;
    private static OriginServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        assumeTrue(Files.isExecutable(CURL), "curl is not installed");
        server = OriginServer.start(OriginSettings.of(new InetSocketAddress("127.0.0.1", 0)));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Runs curl; returns the body written to a file and the response headers. */
    private Result curl(String target, String... options) throws IOException, InterruptedException {
        Path body = temp.resolve("body-" + System.nanoTime());
        Path headers = temp.resolve("headers-" + System.nanoTime());
        List<String> command = new ArrayList<>(List.of(CURL.toString(), "--silent", "--show-error", "--max-time", "60",
                "--output", body.toString(), "--dump-header", headers.toString()));
        command.addAll(Arrays.asList(options));
        command.add(OriginServerTest.uri(server, target).toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return new Result(Files.exists(body) ? Files.readAllBytes(body) : new byte[0], Files.readString(headers));
    }

    private record Result(byte[] body, String headers) {
    }

    @Test
    void fullGetMatchesTheSyntheticBytes() throws Exception {
        Result result = curl("/synthetic/2m?curl");

        assertThat(result.headers()).startsWith("HTTP/1.1 200");
        assertThat(result.body()).isEqualTo(Synthetic.bytes("/synthetic/2m?curl"));
    }

    @Test
    void rangeRequest() throws Exception {
        Result result = curl("/synthetic/10k?curl", "--range", "100-199");

        assertThat(result.headers()).startsWith("HTTP/1.1 206")
                .containsIgnoringCase("Content-Range: bytes 100-199/10240");
        assertThat(result.body()).isEqualTo(Synthetic.slice(Synthetic.object("/synthetic/10k?curl"), 100, 100));
    }

    @Test
    void echoesAPostedFile() throws Exception {
        Path upload = Files.writeString(temp.resolve("upload.txt"), "posted by curl\n".repeat(1000));

        Result result = curl("/echo/curl", "--data-binary", "@" + upload, "-H", "Content-Type: text/plain");

        assertThat(result.headers()).startsWith("HTTP/1.1 200");
        assertThat(result.body()).isEqualTo(Files.readAllBytes(upload));
    }
}
