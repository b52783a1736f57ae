package dev.takeover.checkpoint;

import static dev.takeover.checkpoint.CheckpointFixtures.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CheckpointCodecTest {

    private static final String HEADER_200 = "HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n";

    private static final TcpLayer NO_OPTIONS = new TcpLayer(0, 0, 536, false, 0, 0, false, false, 0, -1, -1);
    private static final TcpLayer ALL_OPTIONS_AT_LIMITS = new TcpLayer(-1, 0x8000_0000, 65535, true, 14, 14, true,
            true, -1, Long.MAX_VALUE, Long.MAX_VALUE);

    static Stream<Arguments> checkpoints() {
        ConnectionId id = id(1);
        var r = CheckpointFixtures.responding("/a", HEADER_200);
        return Stream.of(
                Arguments.of("fresh connection", cp(id, CheckpointFixtures.tcp(), new HttpLayer.Idle(0, 0, 0))),
                Arguments.of("idle, large counts", cp(id, CheckpointFixtures.tcp(),
                        new HttpLayer.Idle(Long.MAX_VALUE, 5L << 32, Integer.MAX_VALUE))),
                Arguments.of("no TCP options", cp(id, NO_OPTIONS, new HttpLayer.Idle(1, 2, 3))),
                Arguments.of("TCP options at their limits, sequence starts at the wrap",
                        cp(id, ALL_OPTIONS_AT_LIMITS, new HttpLayer.Idle(1, 2, 3))),
                Arguments.of("acknowledged position known",
                        cp(id, CheckpointFixtures.tcp().withAckedSendBytes(0), new HttpLayer.Idle(1, 2, 3))),
                Arguments.of("version and time at zero", new ConnectionCheckpoint("n", 0, 0, IpLayer.of(id),
                        NO_OPTIONS, new HttpLayer.Idle(0, 0, 0))),
                Arguments.of("version and time at max", new ConnectionCheckpoint("n", Long.MAX_VALUE,
                        Long.MAX_VALUE, IpLayer.of(id), NO_OPTIONS, new HttpLayer.Idle(0, 0, 0))),
                Arguments.of("addresses and ports at the edges", cp(new ConnectionId(ConnectionId.ipv4("255.255.255.255"),
                        65535, ConnectionId.ipv4("0.0.0.0"), 1), NO_OPTIONS, new HttpLayer.Idle(0, 0, 0))),
                Arguments.of("unicode owner name", new ConnectionCheckpoint("nœud-ä-😀", 1, 1, IpLayer.of(id),
                        NO_OPTIONS, new HttpLayer.Idle(0, 0, 0))),
                Arguments.of("responding, full body", cp(id, CheckpointFixtures.tcp(), new HttpLayer.Responding(
                        100, 200, HEADER_200.getBytes(StandardCharsets.US_ASCII), "GET", "/a/b.mp4",
                        HttpVersion.HTTP_1_1, "\"abc\"", 1_700_000_000L, -1, -1, 5_000_000, false, true, -1))),
                Arguments.of("responding, range", cp(id, CheckpointFixtures.tcp(), r)),
                Arguments.of("responding, range of one byte at 0", cp(id, CheckpointFixtures.tcp(),
                        respond(0, 0, 1, false, -1))),
                Arguments.of("responding, HTTP/1.0, no validators, close", cp(id, NO_OPTIONS,
                        new HttpLayer.Responding(0, 0, new byte[] {'x'}, "HEAD", "*", HttpVersion.HTTP_1_0, null,
                                -1, -1, -1, -1, false, false, -1))),
                Arguments.of("responding, chunked", cp(id, CheckpointFixtures.tcp(), new HttpLayer.Responding(
                        7, 8, HEADER_200.getBytes(StandardCharsets.US_ASCII), "POST", "/upload?x=%20y",
                        HttpVersion.HTTP_1_1, "W/\"weak\"", 0, -1, -1, -1, true, true, -1))),
                Arguments.of("responding, object over 4 GiB, progress confirmed past 2^32",
                        cp(id, CheckpointFixtures.tcp(), respond(-1, -1, 6L << 30, false, (5L << 30) + 17))),
                Arguments.of("responding, range at the top of the long range",
                        cp(id, CheckpointFixtures.tcp(), respond(Long.MAX_VALUE - 1, Long.MAX_VALUE, 2, false, 2))),
                Arguments.of("requested, first request", cp(id, CheckpointFixtures.tcp(), new HttpLayer.Requested(
                        78, 0, 0, "GET /a HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))),
                Arguments.of("requested, after many responses, 16 KiB head", cp(id, NO_OPTIONS,
                        new HttpLayer.Requested(5L << 32, 7L << 32, Integer.MAX_VALUE, bytes(16384)))),
                Arguments.of("responding, non-ASCII target, 64 KiB header block", cp(id, CheckpointFixtures.tcp(),
                        new HttpLayer.Responding(1, 2, bytes(65536), "GET", "/caf\u00e9/\u65e5\u672c",
                                HttpVersion.HTTP_1_1, "\"\"", 0, -1, -1, 0, false, true, 0))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    void roundTrips(String name, ConnectionCheckpoint c) {
        byte[] encoded = CheckpointCodec.encode(c);

        assertThat(encoded[0]).isEqualTo((byte) CheckpointCodec.FORMAT_VERSION);
        assertThat(CheckpointCodec.decode(encoded)).isEqualTo(c);
        assertThat(CheckpointCodec.encode(CheckpointCodec.decode(encoded))).as("encoding is canonical")
                .isEqualTo(encoded);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    void theHeadIsReadWithoutTheRestAtAnyOffset(String name, ConnectionCheckpoint c) {
        byte[] encoded = CheckpointCodec.encode(c);
        byte[] framed = new byte[encoded.length + 7];
        System.arraycopy(encoded, 0, framed, 5, encoded.length);

        assertThat(CheckpointCodec.head(framed, 5, encoded.length))
                .isEqualTo(new CheckpointCodec.Head(c.version(), c.ownerNode()));
    }

    @Test
    void aHeadOfUnknownFormatOrOutsideTheBytesIsRefused() {
        byte[] encoded = CheckpointCodec.encode(cp(id(1), NO_OPTIONS, new HttpLayer.Idle(0, 0, 0)));
        assertThatThrownBy(() -> CheckpointCodec.head(encoded, 0, 2)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> CheckpointCodec.head(encoded, 4, encoded.length))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("truncated");
        byte[] unknown = encoded.clone();
        unknown[0] = 9;
        assertThatThrownBy(() -> CheckpointCodec.head(unknown, 0, unknown.length))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("format version 9");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    void everyTruncationIsRejected(String name, ConnectionCheckpoint c) {
        byte[] encoded = CheckpointCodec.encode(c);
        int step = Math.max(1, encoded.length / 300); // every length for small encodings, a sample for 64 KiB
        for (int length = 0; length < encoded.length; length += step) {
            byte[] cut = Arrays.copyOf(encoded, length);
            assertThatThrownBy(() -> CheckpointCodec.decode(cut)).as("first %d of %d bytes", length, encoded.length)
                    .isInstanceOf(CheckpointFormatException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    void everySingleBitFlipIsRejected(String name, ConnectionCheckpoint c) {
        byte[] encoded = CheckpointCodec.encode(c);
        int step = Math.max(1, encoded.length / 300);
        for (int i = 0; i < encoded.length; i += step) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = encoded.clone();
                bad[i] ^= (byte) (1 << bit);
                assertThatThrownBy(() -> CheckpointCodec.decode(bad)).as("byte %d bit %d", i, bit)
                        .isInstanceOf(CheckpointFormatException.class);
            }
        }
    }

    /**
     * The maximal realistic checkpoint: 256-character target, long entity tag and node name, every optional field
     * present, positions in the terabytes. Everything but the header block fits in 512 bytes.
     */
    @Test
    void maximalRealisticCheckpointStaysUnder512BytesBesidesTheHeaderBlock() {
        String target = "/" + "v".repeat(255);
        String header = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 1-2/3\r\n\r\n";
        var http = new HttpLayer.Responding(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2,
                header.getBytes(StandardCharsets.US_ASCII), "OPTIONS", target, HttpVersion.HTTP_1_1,
                "W/\"" + "e".repeat(64) + "\"", 4_102_444_800L, 1L << 40, (1L << 41) - 1, 1L << 40, false, true,
                (1L << 40) - 1);
        var tcp = new TcpLayer(-1, -1, 65535, true, 14, 14, true, true, -1, 4_102_444_800_000L, Long.MAX_VALUE / 2);
        var c = new ConnectionCheckpoint("proxy-node-" + "x".repeat(20), Long.MAX_VALUE, 4_102_444_800_000L,
                IpLayer.of(new ConnectionId(ConnectionId.ipv4("203.0.113.254"), 65535,
                        ConnectionId.ipv4("198.51.100.254"), 65535)), tcp, http);

        int withoutHeader = CheckpointCodec.encode(c).length - http.headerBlockLength();

        assertThat(withoutHeader).isLessThan(512);
    }

    @Test
    void typicalCheckpointIsSmall() {
        var c = new ConnectionCheckpoint("node-1", 42, 1_767_225_600_000L, IpLayer.of(id(1)), CheckpointFixtures.tcp(),
                CheckpointFixtures.responding("/videos/big-buck-bunny.mp4", HEADER_200));

        assertThat(CheckpointCodec.encode(c).length - HEADER_200.length()).isLessThan(150);
    }

    // ---- compatibility ----

    /** The checkpoint stored in {@code fixtures/checkpoint-v1.bin}; never change it, add a new fixture instead. */
    static ConnectionCheckpoint fixtureV1() {
        return new ConnectionCheckpoint("node-b", 7, 1_767_225_600_123L,
                new IpLayer(ConnectionId.ipv4("10.0.0.10"), 80, ConnectionId.ipv4("192.0.2.44"), 50123),
                new TcpLayer(0xFFFF_FF00, 0x0102_0304, 1448, true, 7, 9, true, true, 0x7FFF_FFFF,
                        1_767_225_599_000L, 4_294_967_400L),
                new HttpLayer.Responding(5_000, 4_294_967_000L,
                        "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 100-5099999/6000000\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII),
                        "GET", "/objects/big.bin?sig=%2Fab", HttpVersion.HTTP_1_1, "\"5f2b-1a\"", 1_767_000_000L,
                        100, 5_099_999, 5_000_000, false, true, 4_000_000));
    }

    @Test
    void fixtureWrittenByFormatVersion1KeepsDecoding() throws IOException {
        byte[] fixture = resource("/fixtures/checkpoint-v1.bin");

        assertThat(fixture[0]).isEqualTo((byte) 1);
        assertThat(CheckpointCodec.decode(fixture)).isEqualTo(fixtureV1());
    }

    /** The checkpoint stored in {@code fixtures/checkpoint-v2.bin}: the state version 2 added. Never change it. */
    static ConnectionCheckpoint fixtureV2() {
        return new ConnectionCheckpoint("node-c", 3, 1_795_400_000_456L,
                new IpLayer(ConnectionId.ipv4("198.18.0.103"), 80, ConnectionId.ipv4("198.18.0.3"), 40000),
                new TcpLayer(0x1000_0000, 0x2000_0000, 1460, true, 7, 7, true, true, 123_456, 1_795_399_999_000L, -1),
                new HttpLayer.Requested(5_174, 4_294_968_000L, 2,
                        "GET /synthetic/48m/x HTTP/1.1\r\nhost: 198.18.0.103\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void formatVersion2EncodingIsStable() throws IOException {
        // While FORMAT_VERSION is 2, the encoder must reproduce the fixture byte for byte; a layout change needs a
        // new format version (and this test then compares against the new version's fixture).
        assertThat(CheckpointCodec.FORMAT_VERSION).isEqualTo(2);
        assertThat(CheckpointCodec.encode(fixtureV2())).isEqualTo(resource("/fixtures/checkpoint-v2.bin"));
        assertThat(CheckpointCodec.decode(resource("/fixtures/checkpoint-v2.bin"))).isEqualTo(fixtureV2());
    }

    @Test
    void version2AddsOnlyTheRequestedState() throws IOException {
        byte[] v1 = resource("/fixtures/checkpoint-v1.bin");
        byte[] v2 = CheckpointCodec.encode(fixtureV1());
        assertThat(v2[0]).isEqualTo((byte) 2);
        assertThat(Arrays.copyOfRange(v2, 1, v2.length - 4)).as("same layout after the version byte")
                .isEqualTo(Arrays.copyOfRange(v1, 1, v1.length - 4));

        byte[] requestedAsV1 = CheckpointCodec.encode(fixtureV2());
        requestedAsV1[0] = 1;
        assertThatThrownBy(() -> CheckpointCodec.decode(withCrc(Arrays.copyOf(requestedAsV1, requestedAsV1.length - 4))))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("http state 2 in format version 1");
    }

    // ---- bad input ----

    @Test
    void emptyInputIsRejected() {
        assertThatThrownBy(() -> CheckpointCodec.decode(new byte[0])).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("empty");
    }

    @ParameterizedTest
    @MethodSource("unknownVersions")
    void unknownFormatVersionIsRejectedByName(int version) {
        byte[] encoded = CheckpointCodec.encode(fixtureV1());
        encoded[0] = (byte) version;

        assertThatThrownBy(() -> CheckpointCodec.decode(encoded)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("unknown checkpoint format version " + version);
    }

    static Stream<Integer> unknownVersions() {
        return Stream.of(0, 3, 127, 255);
    }

    @Test
    void trailingBytesAreRejectedEvenWithAValidChecksum() {
        byte[] encoded = CheckpointCodec.encode(fixtureV1());
        byte[] body = Arrays.copyOf(encoded, encoded.length - 4 + 1); // one extra zero byte before the checksum

        assertThatThrownBy(() -> CheckpointCodec.decode(withCrc(body))).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("unexpected bytes");
    }

    @Test
    void outOfRangeValuesWithAValidChecksumAreRejected() {
        byte[] encoded = CheckpointCodec.encode(new ConnectionCheckpoint("n", 1, 1, IpLayer.of(id(1)), NO_OPTIONS,
                new HttpLayer.Idle(0, 0, 0)));
        // Layout: version, varint 1, varint 1, string "n" (2 bytes), IP (12), then sendStart(4) recvStart(4) mss(2).
        int mssOffset = 1 + 1 + 1 + 2 + 12 + 8;
        byte[] body = Arrays.copyOf(encoded, encoded.length - 4);
        body[mssOffset] = 0;
        body[mssOffset + 1] = 0;

        assertThatThrownBy(() -> CheckpointCodec.decode(withCrc(body))).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("mss");
    }

    /**
     * Random bodies with a correct checksum reach the parser itself: it must answer with a checkpoint or a
     * {@link CheckpointFormatException}, nothing else, and whatever it accepts must re-encode to the same bytes.
     */
    @Test
    void randomBytesBehindAValidChecksumNeverCrashTheParser() {
        Random random = new Random(0x5EED);
        for (int i = 0; i < 20_000; i++) {
            byte[] body = new byte[1 + random.nextInt(120)];
            random.nextBytes(body);
            body[0] = 1;
            assertDecodesOrRejects(withCrc(body));
        }
    }

    /** Structured fuzzing: valid encodings with a few bytes replaced, checksum recomputed. */
    @Test
    void mutatedEncodingsBehindAValidChecksumNeverCrashTheParser() {
        Random random = new Random(0xC0FFEE);
        byte[][] seeds = checkpoints().map(a -> CheckpointCodec.encode((ConnectionCheckpoint) a.get()[1]))
                .filter(b -> b.length < 1024).toArray(byte[][]::new);
        for (int i = 0; i < 30_000; i++) {
            byte[] seed = seeds[random.nextInt(seeds.length)];
            byte[] body = Arrays.copyOf(seed, seed.length - 4);
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                int at = 1 + random.nextInt(body.length - 1);
                body[at] = switch (random.nextInt(4)) {
                    case 0 -> (byte) random.nextInt(256);
                    case 1 -> (byte) 0xFF;
                    case 2 -> (byte) 0x80;
                    default -> 0;
                };
            }
            if (random.nextInt(4) == 0) {
                body = Arrays.copyOf(body, 1 + random.nextInt(body.length));
            }
            assertDecodesOrRejects(withCrc(body));
        }
    }

    /** Wholly random input (no valid checksum) of any first byte. */
    @Test
    void randomBytesAreRejected() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] input = new byte[random.nextInt(200)];
            random.nextBytes(input);
            assertDecodesOrRejects(input);
        }
    }

    @Test
    void unpairedSurrogateCannotBeEncoded() {
        var c = new ConnectionCheckpoint("node-\uD800", 1, 1, IpLayer.of(id(1)), NO_OPTIONS,
                new HttpLayer.Idle(0, 0, 0));

        assertThatThrownBy(() -> CheckpointCodec.encode(c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("surrogate");
    }

    private static void assertDecodesOrRejects(byte[] input) {
        Throwable t = catchThrowable(() -> {
            ConnectionCheckpoint c = CheckpointCodec.decode(input);
            assertThat(CheckpointCodec.encode(c)).as("accepted input re-encodes identically").isEqualTo(input);
        });
        if (t != null && !(t instanceof CheckpointFormatException)) {
            throw new AssertionError("decoding " + Arrays.toString(input) + " threw " + t, t);
        }
    }

    private static byte[] withCrc(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        return ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).array();
    }

    private static ConnectionCheckpoint cp(ConnectionId id, TcpLayer tcp, HttpLayer http) {
        return new ConnectionCheckpoint("node-a", 3, 1_767_225_600_000L, IpLayer.of(id), tcp, http);
    }

    private static HttpLayer.Responding respond(long first, long last, long length, boolean chunked, long confirmed) {
        return new HttpLayer.Responding(10, 20, HEADER_200.getBytes(StandardCharsets.US_ASCII), "GET", "/r",
                HttpVersion.HTTP_1_1, null, -1, first, last, length, chunked, true, confirmed);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = CheckpointCodecTest.class.getResourceAsStream(path)) {
            assertThat(in).as("test resource %s", path).isNotNull();
            return in.readAllBytes();
        }
    }
}
