package dev.takeover.origin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** A throttled origin still delivers every byte; how fast is left to benchmarks and drills. */
class OriginRateLimitTest {

    private static final long ONE_MIB_PER_SECOND = 1024 * 1024;

    @TempDir
    static Path root;
    private static byte[] file;
    private static OriginServer server;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        file = new byte[200_000];
        new Random(3).nextBytes(file);
        Files.write(root.resolve("f.bin"), file);
        server = OriginServer.start(new OriginSettings(new InetSocketAddress("127.0.0.1", 0), Optional.of(root),
                ONE_MIB_PER_SECOND));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void throttledSyntheticTransferArrivesComplete() throws Exception {
        HttpResponse<byte[]> response = client.send(
                HttpRequest.newBuilder(OriginServerTest.uri(server, "/synthetic/256k?throttled")).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Synthetic.bytes("/synthetic/256k?throttled"));
    }

    @Test
    void throttledFileTransferArrivesComplete() throws Exception {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(OriginServerTest.uri(server, "/f.bin"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(file);
    }

    @Test
    void throttledPipelinedResponsesStayInOrder() throws IOException {
        try (RawConnection connection = new RawConnection(server.address())) {
            connection.send(RawConnection.get("/synthetic/100k?a") + RawConnection.get("/synthetic/3?b"));

            assertThat(connection.read().body()).isEqualTo(Synthetic.bytes("/synthetic/100k?a"));
            assertThat(connection.read().body()).isEqualTo(Synthetic.bytes("/synthetic/3?b"));
        }
    }
}
