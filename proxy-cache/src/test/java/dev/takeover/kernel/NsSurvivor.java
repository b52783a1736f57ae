package dev.takeover.kernel;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Node "B" of the namespace test, run in its own JVM inside its namespace: prints {@code ready}, waits for a
 * {@code go} line on standard input, then takes the connection over with this package's API in the design's order
 * and writes the rest of the stream. Prints one {@code takeover ...} line with its measurements; exits 0 when the
 * client closed after the last byte, 2 or 3 on a failed step.
 *
 * <p>Arguments: checkpoint file, interface, virtual IP, prefix length, total bytes, this node's own address.
 */
public final class NsSurvivor {

    private static final int CHUNK = 64 * 1024;
    private static final Duration PROBE_SPACING = Duration.ofMillis(600); // Linux answers once per 500 ms at most
    private static final int PROBE_ROUNDS = 4;

    private NsSurvivor() {
    }

    /**
     * Runs each call of the takeover once on loopback (and one harmless announcement of this node's own address),
     * so the measurements show the kernel's and the network's time, not class loading and first-call linkage.
     */
    private static void warmUp(String device, Inet4Address ownAddress) throws Exception {
        Inet4Address loopback = (Inet4Address) InetAddress.getLoopbackAddress();
        FourTuple nowhere = new FourTuple(loopback, 9, loopback, 9);
        try (PacketCapture capture = PacketCapture.open("lo", loopback, 9); RawTcp raw = RawTcp.open(loopback)) {
            capture.expect(nowhere);
            raw.sendAck(nowhere, 1, 1, 512); // no socket there: the kernel answers with a RST, which is captured
            capture.dispatch(Duration.ofMillis(200));
        }
        GratuitousArp.send(device, ownAddress);
        TcpOptions options = new TcpOptions(true, true, true, 7, 7, 1460);
        int fd = TcpRepair.rebuild(new RebuildSpec(nowhere, 1, 1, options, 1, 512, false));
        TcpRepair.capture(fd);
        Libc.close(fd);
    }

    public static void main(String[] args) throws Exception {
        Path checkpointFile = Path.of(args[0]);
        String device = args[1];
        Inet4Address vip = (Inet4Address) InetAddress.getByName(args[2]);
        int prefix = Integer.parseInt(args[3]);
        long total = Long.parseLong(args[4]);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        warmUp(device, (Inet4Address) InetAddress.getByName(args[5]));
        System.out.println("ready " + Capabilities.detect().summary());
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in));
        if (!"go".equals(stdin.readLine())) {
            System.exit(2);
        }
        long go = System.nanoTime();

        Checkpoint ck = Checkpoint.read(checkpointFile);
        FourTuple connection = ck.connection();
        // 1. guard: from now until the socket exists, this kernel must not reset the connection
        RstGuard guard = RstGuard.install();
        guard.guardConnection(connection);
        // 2. claim the address
        new InterfaceAddresses().add(device, vip, prefix);

        // 3-4. old-sequence ACK, the client's reply
        TcpHeader reply;
        long probeSent;
        long[] replied = new long[1];
        try (PacketCapture capture = PacketCapture.open(device, vip, connection.localPort());
             RawTcp raw = RawTcp.open(vip)) {
            CompletableFuture<TcpHeader> future = capture.expect(connection);
            future.thenRun(() -> replied[0] = System.nanoTime());
            long probeSeq = Seq.add(ck.initialSendSeq(), ck.bytesAcked() - 1); // a byte the client has
            probeSent = 0;
            for (int round = 0; round < PROBE_ROUNDS && !future.isDone(); round++) {
                GratuitousArp.send(device, vip); // the client must send its reply here, not to the dead node
                raw.sendAck(connection, probeSeq, ck.readSeq(), 512);
                if (round == 0) {
                    probeSent = System.nanoTime();
                }
                capture.dispatch(PROBE_SPACING);
            }
            reply = future.getNow(null);
        }
        if (reply == null) {
            System.out.println("takeover failed: no reply to " + PROBE_ROUNDS + " old-sequence ACKs");
            System.exit(3);
        }
        if (reply.seq() != ck.readSeq()) {
            System.out.println("takeover failed: the client sent bytes no checkpoint recorded: " + reply);
            System.exit(3);
        }

        // 5. rebuild, synchronized to the client's acknowledgment
        long timestamp = ck.atAccept().timestampAt(System.currentTimeMillis(), 100);
        RebuildSpec spec = RebuildSpec.afterReply(connection, ck.atAccept().options(), reply, timestamp);
        long rebuildStart = System.nanoTime();
        int fd = TcpRepair.rebuild(spec);
        long rebuilt = System.nanoTime();
        // 6. release the guard, hand the descriptor to netty, write from the offset
        guard.releaseConnection(connection);
        long offset = Seq.distance(ck.initialSendSeq(), spec.sendSeq());
        System.out.printf("takeover probe-reply-ms=%.3f rebuild-ms=%.3f go-to-rebuilt-ms=%.1f offset=%d"
                        + " checkpoint-acked=%d checkpoint-written=%d reply=%s%n",
                (replied[0] - probeSent) / 1e6, (rebuilt - rebuildStart) / 1e6, (rebuilt - go) / 1e6, offset,
                ck.bytesAcked(), ck.bytesWritten(), reply);

        EpollSocketChannel channel = new EpollSocketChannel(fd);
        group.register(channel).sync();
        ChannelFuture last = null;
        for (long at = offset; at < total; at += CHUNK) {
            int n = (int) Math.min(CHUNK, total - at);
            last = channel.writeAndFlush(Unpooled.wrappedBuffer(StreamPattern.bytes(at, n)));
        }
        if (last != null) {
            last.sync();
        }
        channel.shutdownOutput().sync();
        // the client closes after checking the end of the stream; netty then closes the channel
        boolean closed = channel.closeFuture().await(30, TimeUnit.SECONDS);
        guard.removeAll();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        System.out.println("survivor done, client closed: " + closed);
        System.exit(closed ? 0 : 2);
    }
}
