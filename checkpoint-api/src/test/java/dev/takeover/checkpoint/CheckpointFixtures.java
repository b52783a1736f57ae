package dev.takeover.checkpoint;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;

/**
 * Checkpoints for tests, here and in other modules (published in the test-jar with {@link CheckpointStoreContract}).
 * Every value derives from the arguments, so two fixtures compare equal exactly when their arguments do.
 */
public final class CheckpointFixtures {

    /** The virtual IP of {@link #id(int)}. */
    public static final Inet4Address VIP_A = ConnectionId.ipv4("10.0.0.10");
    /** A second virtual IP, for {@link #id(Inet4Address, int)}. */
    public static final Inet4Address VIP_B = ConnectionId.ipv4("10.0.0.11");

    private CheckpointFixtures() {
    }

    /** Connection number {@code n} (0..65535*250) on {@link #VIP_A} port 80. */
    public static ConnectionId id(int n) {
        return id(VIP_A, n);
    }

    /** Connection number {@code n} on {@code vip} port 80, from a client of 192.0.2.0/24 or 198.51.100.0/24. */
    public static ConnectionId id(Inet4Address vip, int n) {
        int host = n / 64000;
        int port = 1024 + n % 64000;
        return new ConnectionId(vip, 80, ConnectionId.ipv4("192.0.2." + (1 + host % 250)), port);
    }

    /** A typical TCP layer: SACK, timestamps, window scale 7 both ways. */
    public static TcpLayer tcp() {
        return new TcpLayer(0x9A3F_0001, 0x1234_5678, 1448, true, 7, 7, true, true, 0x00AB_CDEF,
                1_767_225_600_000L, TcpLayer.UNKNOWN);
    }

    /** An idle checkpoint of {@code id} owned by {@code owner} at {@code version}. */
    public static ConnectionCheckpoint checkpoint(ConnectionId id, String owner, long version) {
        return new ConnectionCheckpoint(owner, version, 1_767_225_600_000L + version, IpLayer.of(id), tcp(),
                new HttpLayer.Idle(100 * version, 1000 * version, (int) Math.min(version, Integer.MAX_VALUE)));
    }

    /** A mid-response checkpoint with realistic field sizes: {@code target} and header block as given. */
    public static HttpLayer.Responding responding(String target, String headerBlock) {
        return new HttpLayer.Responding(4_321, 987_654, headerBlock.getBytes(StandardCharsets.ISO_8859_1), "GET",
                target, HttpVersion.HTTP_1_1, "\"5f2b-1a2b3c4d5e6f\"", 1_767_225_000L, 1_000_000L, 5_999_999L,
                5_000_000L, false, true, HttpLayer.ABSENT);
    }
}
