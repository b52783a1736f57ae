package dev.takeover.kernel;

import java.io.Closeable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Catches the clients' replies to old-sequence ACKs: one {@code AF_PACKET} socket on one interface, shared by every
 * connection of a takeover. Callers {@link #expect} a four-tuple and get a future that completes with the header of
 * the first TCP segment from that connection's remote side to its local side read after the call; {@link #dispatch}
 * reads packets and completes the futures.
 *
 * <p>The capture reads packets before netfilter's input hooks, so it sees a client's segment whether or not a socket
 * exists for the connection (or a firewall rule drops it). It sees only what arrives after {@link #open}: open it
 * before sending the probes. A socket filter keeps only IPv4 TCP segments for the one local address and port that
 * were sent to this node's own link address, so other traffic on a busy interface cannot fill its buffer. Frames a
 * switch floods to this node for another link address do not count: a client that still sends to the dead node's
 * MAC address (its ARP cache not yet updated by the announcement) would not reach the rebuilt socket either, so
 * its reply is only accepted once it arrives addressed here. The link header is removed ({@code SOCK_DGRAM}), so any
 * link type works. TCP checksums are not verified (offloads leave partial ones in captured packets).
 *
 * <p>Linux answers unacceptable segments at most once per 500 ms per connection ({@code tcp_invalid_ratelimit}), so
 * a probe that gets no answer must be re-sent no sooner than that. The usual loop, which {@link #pending()} makes
 * easy:
 * {@snippet :
 * try (PacketCapture capture = PacketCapture.open("eth0", vip, 80); RawTcp raw = RawTcp.open(vip)) {
 *     Map<FourTuple, CompletableFuture<TcpHeader>> replies = new HashMap<>();
 *     for (FourTuple c : connections) replies.put(c, capture.expect(c)); // then e.g. thenAccept(rebuild)
 *     for (int round = 0; round < 4 && !capture.pending().isEmpty(); round++) {
 *         for (FourTuple c : capture.pending()) raw.sendAck(c, probeSeq(c), readSeq(c), 0);
 *         capture.dispatch(Duration.ofMillis(600));     // longer than the client's rate limit
 *     }
 * }
 * }
 *
 * <p><b>Privilege:</b> CAP_NET_RAW. Thread-safe: {@link #expect}, {@link #cancel} and {@link #pending} from any
 * thread; {@link #dispatch} runs on one thread at a time (others wait); {@link #close} waits for a running
 * {@code dispatch} and cancels the futures still pending.
 */
public final class PacketCapture implements Closeable {

    /** Bytes kept per packet: the largest IPv4 header plus a TCP header fits. */
    private static final int SNAP_BYTES = 128;
    /** Receive buffer asked for, so a burst of client segments after the address moves is not dropped. */
    private static final int RECEIVE_BUFFER_BYTES = 4 << 20;

    // classic BPF opcodes (linux/bpf_common.h)
    private static final int LD_W_ABS = 0x20;
    private static final int LD_H_ABS = 0x28;
    private static final int LD_B_ABS = 0x30;
    private static final int LD_H_IND = 0x48;
    private static final int LDX_B_MSH = 0xb1;
    private static final int JEQ_K = 0x15;
    private static final int JSET_K = 0x45;
    private static final int RET_K = 0x06;
    private static final int SKF_AD_PKTTYPE = 0xfffff000 + 4;

    private final String interfaceName;
    private final Inet4Address localAddress;
    private final int localPort;
    private final int fd;
    private final ConcurrentHashMap<FourTuple, CompletableFuture<TcpHeader>> expected = new ConcurrentHashMap<>();
    private final ReentrantLock reading = new ReentrantLock();
    private volatile boolean closed;

    private PacketCapture(String interfaceName, Inet4Address localAddress, int localPort, int fd) {
        this.interfaceName = interfaceName;
        this.localAddress = localAddress;
        this.localPort = localPort;
        this.fd = fd;
    }

    /**
     * Opens a capture of the TCP segments arriving on {@code interfaceName} for {@code localAddress} and
     * {@code localPort} (0: any port). The kernel filters out everything else, so a busy interface does not overflow
     * the socket's buffer with packets nobody wants.
     *
     * @throws KernelException {@code if_nametoindex} {@code ENODEV} for an unknown interface; {@code socket}
     *                         {@code EPERM} without CAP_NET_RAW
     */
    public static PacketCapture open(String interfaceName, Inet4Address localAddress, int localPort)
            throws KernelException {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(localAddress, "localAddress");
        if (localPort < 0 || localPort > 0xffff) {
            throw new IllegalArgumentException("localPort must be in [0, 65535], got " + localPort);
        }
        int index = Libc.ifNameToIndex(interfaceName);
        // protocol 0 receives nothing until bound: no packet from another interface slips in before the bind
        int fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            Libc.attachFilter(fd, filter(localAddress, localPort));
            enlargeReceiveBuffer(fd);
            Libc.bind(fd, Libc.sockaddrLl(arena, Libc.ETH_P_IP, index, new byte[0]));
            return new PacketCapture(interfaceName, localAddress, localPort, fd);
        } catch (KernelException | RuntimeException e) {
            Libc.closeAfterFailure(fd, e);
            throw e;
        }
    }

    /**
     * The socket filter: keep packets addressed to this host's link address ({@code PACKET_HOST}: not outgoing
     * copies, not frames flooded for another MAC) that are IPv4 TCP first fragments to the address (and port), cut
     * to {@link #SNAP_BYTES}; drop the rest. Loads of packet data are in network byte order.
     */
    static long[] filter(Inet4Address localAddress, int localPort) {
        boolean anyPort = localPort == 0;
        int drop = anyPort ? 9 : 12; // index of the final "ret #0"
        List<Long> p = new ArrayList<>();
        p.add(Libc.bpf(LD_W_ABS, 0, 0, SKF_AD_PKTTYPE));
        p.add(Libc.bpf(JEQ_K, 0, drop - 2, Libc.PACKET_HOST));
        p.add(Libc.bpf(LD_B_ABS, 0, 0, 9));                           // protocol
        p.add(Libc.bpf(JEQ_K, 0, drop - 4, Libc.IPPROTO_TCP));
        p.add(Libc.bpf(LD_W_ABS, 0, 0, 16));                          // destination address
        p.add(Libc.bpf(JEQ_K, 0, drop - 6, Bytes.ipv4(localAddress)));
        p.add(Libc.bpf(LD_H_ABS, 0, 0, 6));                           // flags and fragment offset
        p.add(Libc.bpf(JSET_K, drop - 8, 0, 0x1fff));                 // a later fragment has no TCP header
        if (!anyPort) {
            p.add(Libc.bpf(LDX_B_MSH, 0, 0, 0));                      // X = IP header length
            p.add(Libc.bpf(LD_H_IND, 0, 0, 2));                       // TCP destination port
            p.add(Libc.bpf(JEQ_K, 0, drop - 11, localPort));
        }
        p.add(Libc.bpf(RET_K, 0, 0, SNAP_BYTES));
        p.add(Libc.bpf(RET_K, 0, 0, 0));
        return p.stream().mapToLong(Long::longValue).toArray();
    }

    /** SO_RCVBUFFORCE passes the system limit with CAP_NET_ADMIN; without it, take what SO_RCVBUF allows. */
    private static void enlargeReceiveBuffer(int fd) {
        try {
            Libc.setInt(fd, Libc.Option.SO_RCVBUFFORCE, RECEIVE_BUFFER_BYTES);
        } catch (KernelException forceRefused) {
            try {
                Libc.setInt(fd, Libc.Option.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            } catch (KernelException ignored) {
                // the default buffer still works for a modest number of connections
            }
        }
    }

    public String interfaceName() {
        return interfaceName;
    }

    /** The address whose segments this capture sees. */
    public Inet4Address localAddress() {
        return localAddress;
    }

    /** The port whose segments this capture sees, 0 for any. */
    public int localPort() {
        return localPort;
    }

    /**
     * Registers {@code connection}: the future completes with the first TCP segment from its remote side to its
     * local side that {@link #dispatch} reads. Calling again while it is pending returns the same future.
     *
     * @throws IllegalArgumentException when the connection's local side is not what this capture sees
     * @throws IllegalStateException    after {@link #close}
     */
    public CompletableFuture<TcpHeader> expect(FourTuple connection) {
        Objects.requireNonNull(connection, "connection");
        if (!connection.localAddress().equals(localAddress) || localPort != 0 && connection.localPort() != localPort) {
            throw new IllegalArgumentException(connection + " is not seen by a capture of "
                    + localAddress.getHostAddress() + ':' + (localPort == 0 ? "*" : localPort));
        }
        if (closed) {
            throw new IllegalStateException("PacketCapture on " + interfaceName + " closed");
        }
        CompletableFuture<TcpHeader> future = expected.compute(connection, (key, current) ->
                current == null || current.isDone() ? new CompletableFuture<>() : current);
        if (closed && expected.remove(connection, future)) { // lost a race with close()
            future.cancel(false);
            throw new IllegalStateException("PacketCapture on " + interfaceName + " closed");
        }
        return future;
    }

    /** Stops waiting for {@code connection}; its future is cancelled. Returns whether it was pending. */
    public boolean cancel(FourTuple connection) {
        CompletableFuture<TcpHeader> future = expected.remove(connection);
        return future != null && future.cancel(false);
    }

    /** The connections still waiting for a segment, e.g. those whose probe needs re-sending. */
    public Set<FourTuple> pending() {
        return expected.entrySet().stream().filter(e -> !e.getValue().isDone()).map(e -> e.getKey())
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Reads packets until every expected connection has its segment or {@code timeout} has passed, completing the
     * futures on this thread as segments arrive. Packets of connections nobody expects are discarded. A zero timeout
     * reads what is queued now and returns: a caller sending thousands of probes reads the first answers between
     * them.
     *
     * @return how many futures this call completed
     * @throws IllegalStateException after {@link #close}
     * @throws KernelException       when reading fails
     */
    public int dispatch(Duration timeout) throws KernelException {
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), TimeUnit.DAYS.toNanos(1));
        reading.lock();
        try (Arena arena = Arena.ofConfined()) {
            if (closed) {
                throw new IllegalStateException("PacketCapture on " + interfaceName + " closed");
            }
            MemorySegment buffer = arena.allocate(SNAP_BYTES);
            MemorySegment from = arena.allocate(Libc.SOCKADDR_LL);
            // one call's memory for all of them: a takeover reads thousands of answers here
            MemorySegment fromLength = arena.allocate(JAVA_INT);
            MemorySegment pollfd = arena.allocate(Libc.POLLFD);
            MemorySegment state = Libc.callState(arena);
            byte[] packet = new byte[SNAP_BYTES];
            int completed = 0;
            expected.values().removeIf(CompletableFuture::isDone); // completed elsewhere or cancelled by a caller
            boolean first = true;
            while (true) {
                long remaining = deadline - System.nanoTime();
                if (expected.isEmpty() || remaining <= 0 && !first) {
                    return completed;
                }
                int waitMillis = remaining <= 0 ? 0
                        : (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999));
                first = false;
                if (!Libc.pollIn(fd, waitMillis, pollfd, state)) {
                    continue;
                }
                long length;
                while ((length = Libc.recvfrom(fd, buffer, from, fromLength, state)) >= 0) {
                    if (Libc.packetType(from) != Libc.PACKET_HOST) {
                        continue; // the filter already drops these; cheap to be sure
                    }
                    int n = (int) Math.min(length, SNAP_BYTES);
                    MemorySegment.copy(buffer, JAVA_BYTE, 0, packet, 0, n);
                    if (deliver(TcpCodec.decodeIpv4(packet, n))) {
                        completed++;
                    }
                }
            }
        } finally {
            reading.unlock();
        }
    }

    private boolean deliver(TcpCodec.Ipv4Tcp packet) {
        if (packet == null || packet.header().sourcePort() == 0 || packet.header().destinationPort() == 0) {
            return false;
        }
        FourTuple connection = new FourTuple(address(packet.destination()), packet.header().destinationPort(),
                address(packet.source()), packet.header().sourcePort());
        CompletableFuture<TcpHeader> future = expected.remove(connection);
        return future != null && future.complete(packet.header());
    }

    private static Inet4Address address(int ipv4) {
        byte[] raw = {(byte) (ipv4 >>> 24), (byte) (ipv4 >>> 16), (byte) (ipv4 >>> 8), (byte) ipv4};
        try {
            return (Inet4Address) InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an address", e);
        }
    }

    /** Closes the socket and cancels every pending future. Idempotent. */
    @Override
    public void close() throws KernelException {
        reading.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            expected.values().forEach(future -> future.cancel(false));
            expected.clear();
            Libc.close(fd);
        } finally {
            reading.unlock();
        }
    }
}
