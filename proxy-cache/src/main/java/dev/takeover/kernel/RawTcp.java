package dev.takeover.kernel;

import java.io.Closeable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Sends hand-made TCP segments from one local IPv4 address, through a raw socket bound to it. A takeover uses it
 * for the old-sequence ACK: a pure ACK whose sequence number the client has already acknowledged, which the client
 * answers (as RFC 9293 asks for an unacceptable segment) with an ACK carrying its own sequence number, the
 * acknowledgment of everything it received, and its window.
 *
 * <p>The socket must be bound to the virtual IP, or the kernel fills in the node's own address as the source and the
 * client answers with a RST. So the address must be on an interface first. The kernel adds the IP header; this
 * class computes the TCP checksum. Received segments are dropped by a socket filter (a raw TCP socket would
 * otherwise queue a copy of every TCP segment arriving for the address); read replies with {@link PacketCapture}.
 *
 * <p><b>Privilege:</b> CAP_NET_RAW. Thread-safe; {@link #close} is idempotent.
 */
public final class RawTcp implements Closeable {

    private static final int BPF_RET_K = 0x06;

    private final Inet4Address source;
    private int fd;
    /**
     * The memory of {@link #send}, kept for the socket's life: a probe sends thousands of segments in a row, and
     * allocating it anew for each showed in its time. Used under this object's lock, freed by {@link #close}.
     */
    private final Arena memory = Arena.ofShared();
    private final MemorySegment segment = memory.allocate(TcpCodec.TCP_HEADER_BYTES);
    private final MemorySegment destination = memory.allocate(Libc.SOCKADDR_IN);
    private final MemorySegment callState = Libc.callState(memory);

    private RawTcp(Inet4Address source, int fd) {
        this.source = source;
        this.fd = fd;
    }

    /**
     * Opens a raw TCP socket bound to {@code source}.
     *
     * @throws KernelException {@code socket} {@code EPERM} without CAP_NET_RAW; {@code bind} {@code EADDRNOTAVAIL}
     *                         when {@code source} is on no interface of this node
     */
    public static RawTcp open(Inet4Address source) throws KernelException {
        Objects.requireNonNull(source, "source");
        int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.IPPROTO_TCP);
        try (Arena arena = Arena.ofConfined()) {
            Libc.attachFilter(fd, Libc.bpf(BPF_RET_K, 0, 0, 0)); // receive nothing
            Libc.bind(fd, Libc.sockaddrIn(arena, source, 0));
            return new RawTcp(source, fd);
        } catch (KernelException | RuntimeException e) {
            Libc.closeAfterFailure(fd, e);
            throw e;
        }
    }

    /** The address every segment leaves from. */
    public Inet4Address source() {
        return source;
    }

    /**
     * Sends the old-sequence ACK: flags ACK, from the connection's local side to its remote side.
     *
     * @param seq    a sequence number the client has already received, e.g. the checkpointed acknowledged
     *               position minus one
     * @param ack    the checkpointed read position (what this side has received)
     * @param window the unscaled window field; the client ignores it in an unacceptable segment
     * @see #send
     */
    public void sendAck(FourTuple connection, long seq, long ack, int window) throws KernelException {
        send(connection, seq, ack, TcpHeader.ACK, window);
    }

    /**
     * Sends one segment with the given fields, no options and no payload, from {@code connection}'s local side to its
     * remote side.
     *
     * @throws IllegalArgumentException when the connection's local address is not {@link #source()}, or a field is
     *                                  out of range
     * @throws IllegalStateException    after {@link #close}
     * @throws KernelException          {@code sendto} failures, e.g. {@code ENETUNREACH} with no route to the client
     */
    public void send(FourTuple connection, long seq, long ack, int flags, int window) throws KernelException {
        if (!connection.localAddress().equals(source)) {
            throw new IllegalArgumentException("segment for " + connection + " cannot leave from " + source
                    .getHostAddress());
        }
        byte[] bytes = TcpCodec.encode(source, connection.remoteAddress(),
                new TcpHeader(connection.localPort(), connection.remotePort(), seq, ack, flags, window));
        synchronized (this) {
            if (fd < 0) {
                throw new IllegalStateException("RawTcp closed");
            }
            MemorySegment.copy(bytes, 0, segment, JAVA_BYTE, 0, bytes.length);
            // sin_port must be 0 for IPPROTO_TCP raw sockets (the ports are in the segment)
            Libc.sockaddrIn(destination, connection.remoteAddress(), 0);
            Libc.sendto(fd, segment.asSlice(0, bytes.length), destination, callState);
        }
    }

    /** Closes the socket. */
    @Override
    public synchronized void close() throws KernelException {
        if (fd >= 0) {
            int closing = fd;
            fd = -1;
            try {
                Libc.close(closing);
            } finally {
                memory.close();
            }
        }
    }
}
