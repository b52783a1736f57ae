package dev.takeover.kernel;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.InstantSource;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Reads a live connection's TCP state ({@link #capture}) and recreates a connection from such state on another
 * node ({@link #rebuild}), with Linux's {@code TCP_REPAIR} socket option. Stateless; both methods are safe to call
 * from any thread, but {@code capture} must run on the thread that reads and writes the socket (see there).
 *
 * <p><b>Privilege:</b> CAP_NET_ADMIN in the socket's network namespace (see {@link Capabilities}); without it every
 * method fails with {@code EPERM}.
 */
public final class TcpRepair {

    private static final int REPAIR_ON = 1;
    private static final int REPAIR_OFF = 0;
    /** Leave repair mode without the window probe {@code REPAIR_OFF} sends. */
    private static final int REPAIR_OFF_NO_WP = -1;
    private static final int NO_QUEUE = 0;
    private static final int RECV_QUEUE = 1;
    private static final int SEND_QUEUE = 2;

    private static final int TCP_ESTABLISHED = 1;
    private static final int TCP_INFO_BYTES = 104;

    // TCP_REPAIR_OPTIONS codes: the option kinds of the SYN (RFC 9293, 7323, 2018)
    private static final int TCPOPT_MSS = 2;
    private static final int TCPOPT_WINDOW = 3;
    private static final int TCPOPT_SACK_PERM = 4;
    private static final int TCPOPT_TIMESTAMP = 8;

    /** rcv_nxt moves as segments arrive; reading it twice around SIOCINQ proves the pair consistent. */
    private static final int RECEIVE_READ_ATTEMPTS = 16;

    private TcpRepair() {
    }

    /** {@link #capture(int, InstantSource)} with the system clock. */
    public static TcpSnapshot capture(int fd) throws IOException {
        return capture(fd, InstantSource.system());
    }

    /**
     * Captures the state of the established TCP socket {@code fd}: enters repair mode for a few microseconds to read
     * both sequence positions and the MSS clamp, leaves it without sending anything ({@code TCP_REPAIR_OFF_NO_WP}),
     * then reads {@code TCP_INFO}, the queue depths and the timestamp clock. The connection carries on untouched;
     * {@code SO_REUSEADDR} is restored if it was set, as leaving repair mode clears it.
     *
     * <p>Call it on the thread that reads and writes the socket (the netty event loop): the application's byte counts
     * and the positions read here then describe the same instant. Right after accept, {@code sendSeq} is the
     * server's initial sequence number + 1 and {@link TcpSnapshot#readSeq()} the client's + 1.
     *
     * @param fd    a connected TCP socket in state ESTABLISHED
     * @param clock read once, right before the timestamp clock, for {@link TcpSnapshot#wallMillis()}
     * @throws KernelException {@code EPERM} without CAP_NET_ADMIN; {@code EBADF}/{@code ENOTSOCK} for a bad fd;
     *                         {@code ENOPROTOOPT} for a socket that is not TCP
     * @throws IOException     when the socket is not ESTABLISHED (e.g. the client already closed its side), or data
     *                         kept arriving too fast to read the receive position consistently
     */
    public static TcpSnapshot capture(int fd, InstantSource clock) throws IOException {
        Objects.requireNonNull(clock, "clock");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = Libc.getsockopt(fd, Libc.Option.TCP_INFO, arena, TCP_INFO_BYTES);
            int state = Byte.toUnsignedInt(info.get(JAVA_BYTE, 0));
            if (state != TCP_ESTABLISHED) {
                throw new IOException("capture(fd " + fd + "): TCP state " + state + " is not ESTABLISHED (1)");
            }
            int tcpiOptions = Byte.toUnsignedInt(info.get(JAVA_BYTE, 5));
            int packedScales = Byte.toUnsignedInt(info.get(JAVA_BYTE, 6));
            boolean reuseAddress = Libc.getInt(fd, Libc.Option.SO_REUSEADDR) != 0;

            long sendSeq;
            long recvSeq;
            int unread;
            int mssClamp;
            Libc.setInt(fd, Libc.Option.TCP_REPAIR, REPAIR_ON);
            try {
                Libc.setInt(fd, Libc.Option.TCP_REPAIR_QUEUE, RECV_QUEUE);
                long[] receive = receivePosition(fd);
                recvSeq = receive[0];
                unread = (int) receive[1];
                // While the send queue is selected, an arriving ACK would "transmit" queued data without sending it
                // (it then waits for a retransmission): select it only for the one read.
                Libc.setInt(fd, Libc.Option.TCP_REPAIR_QUEUE, SEND_QUEUE);
                sendSeq = Seq.fromInt(Libc.getInt(fd, Libc.Option.TCP_QUEUE_SEQ));
                Libc.setInt(fd, Libc.Option.TCP_REPAIR_QUEUE, NO_QUEUE);
                // In repair mode TCP_MAXSEG reports mss_clamp, the value TCP_REPAIR_OPTIONS restores.
                mssClamp = Libc.getInt(fd, Libc.Option.TCP_MAXSEG);
            } catch (IOException | RuntimeException e) {
                try {
                    Libc.setInt(fd, Libc.Option.TCP_REPAIR, REPAIR_OFF_NO_WP);
                } catch (KernelException leave) {
                    e.addSuppressed(leave);
                }
                throw e;
            }
            Libc.setInt(fd, Libc.Option.TCP_REPAIR, REPAIR_OFF_NO_WP);
            if (reuseAddress) {
                Libc.setInt(fd, Libc.Option.SO_REUSEADDR, 1);
            }
            int unacked = Libc.ioctlInt(fd, Libc.SIOCOUTQ, "SIOCOUTQ");
            // Wall clock first: a pause between the two reads then makes a rebuilt socket's timestamp later than
            // needed (harmless), never earlier (the client's PAWS check would drop its segments).
            long wallMillis = clock.millis();
            long timestamp = Seq.fromInt(Libc.getInt(fd, Libc.Option.TCP_TIMESTAMP));
            return new TcpSnapshot(sendSeq, recvSeq, unread, unacked,
                    TcpOptions.fromTcpInfo(tcpiOptions, packedScales, mssClamp), timestamp, wallMillis);
        }
    }

    /** {@code {rcv_nxt, SIOCINQ}} read as a consistent pair; the receive queue must be selected. */
    private static long[] receivePosition(int fd) throws IOException {
        long before = Seq.fromInt(Libc.getInt(fd, Libc.Option.TCP_QUEUE_SEQ));
        for (int attempt = 0; attempt < RECEIVE_READ_ATTEMPTS; attempt++) {
            int unread = Libc.ioctlInt(fd, Libc.SIOCINQ, "SIOCINQ");
            long after = Seq.fromInt(Libc.getInt(fd, Libc.Option.TCP_QUEUE_SEQ));
            if (after == before) {
                return new long[] {after, unread};
            }
            before = after;
        }
        throw new IOException("capture(fd " + fd + "): the receive position kept moving during "
                + RECEIVE_READ_ATTEMPTS + " reads");
    }

    /**
     * Creates a TCP socket that continues the connection described by {@code spec}, without any packet on the wire
     * until the last step. In this order: socket (non-blocking, close-on-exec), {@code TCP_REPAIR} on (which forces
     * address reuse: no {@code SO_REUSEADDR}, it would undo that), optionally {@code IP_FREEBIND}, bind to the local
     * address and port, both
     * {@code TCP_QUEUE_SEQ}, connect (no SYN in repair mode: straight to ESTABLISHED), {@code TCP_REPAIR_OPTIONS}
     * with only the negotiated options, {@code TCP_TIMESTAMP}, {@code TCP_REPAIR_WINDOW} with the client's window,
     * and {@code TCP_REPAIR} off, which sends one window probe so the client answers at once.
     *
     * <p>Preconditions the caller ensures: the local address is on an interface of this node (or
     * {@link RebuildSpec#freebind()}); no other socket here has the same four-tuple; the RST guard covers the
     * connection until the socket exists. A listener on the same port does not conflict (repair mode forces address
     * reuse). Leaving repair mode resets address reuse; it is set again ({@code SO_REUSEADDR}) so that the socket,
     * should it outlive its process, never keeps a new listener from binding the port.
     *
     * <p>The returned descriptor belongs to the caller. Hand it to netty with
     * {@code new io.netty.channel.epoll.EpollSocketChannel(fd)}, register that on an event loop and write from the
     * offset that {@link RebuildSpec#sendSeq()} stands for.
     *
     * @return the descriptor of the established socket
     * @throws KernelException naming the failed step: {@code socket(...)}/{@code setsockopt(TCP_REPAIR)} {@code EPERM}
     *                         without CAP_NET_ADMIN; {@code bind} {@code EADDRNOTAVAIL} when the address is on no
     *                         interface; {@code connect} {@code EADDRNOTAVAIL} when the four-tuple is taken;
     *                         {@code setsockopt(TCP_REPAIR_WINDOW)} {@code EINVAL} for an inconsistent window. The
     *                         socket is closed (silently, still in repair mode) before the exception leaves.
     */
    public static int rebuild(RebuildSpec spec) throws KernelException {
        Objects.requireNonNull(spec, "spec");
        int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            FourTuple connection = spec.connection();
            // Repair mode forces address reuse (SK_FORCE_REUSE), so the bind succeeds beside a listener on the same
            // port. Setting SO_REUSEADDR now would downgrade that to ordinary reuse and fail with EADDRINUSE.
            Libc.setInt(fd, Libc.Option.TCP_REPAIR, REPAIR_ON);
            if (spec.freebind()) {
                Libc.setInt(fd, Libc.Option.IP_FREEBIND, 1);
            }
            Libc.bind(fd, Libc.sockaddrIn(arena, connection.localAddress(), connection.localPort()));
            Libc.setInt(fd, Libc.Option.TCP_REPAIR_QUEUE, SEND_QUEUE);
            Libc.setInt(fd, Libc.Option.TCP_QUEUE_SEQ, (int) spec.sendSeq());
            Libc.setInt(fd, Libc.Option.TCP_REPAIR_QUEUE, RECV_QUEUE);
            Libc.setInt(fd, Libc.Option.TCP_QUEUE_SEQ, (int) spec.recvSeq());
            Libc.setInt(fd, Libc.Option.TCP_REPAIR_QUEUE, NO_QUEUE);
            Libc.connect(fd, Libc.sockaddrIn(arena, connection.remoteAddress(), connection.remotePort()));
            Libc.setsockopt(fd, Libc.Option.TCP_REPAIR_OPTIONS, repairOptions(arena, spec.options()));
            if (spec.options().timestamps()) {
                // the client's PAWS check drops segments whose TSval went backwards
                Libc.setInt(fd, Libc.Option.TCP_TIMESTAMP, (int) spec.timestamp());
            }
            // Without the client's window the socket believes the window closed and waits for a probe timer.
            Libc.setsockopt(fd, Libc.Option.TCP_REPAIR_WINDOW, repairWindow(arena, spec));
            Libc.setInt(fd, Libc.Option.TCP_REPAIR, REPAIR_OFF);
            // Leaving repair mode cleared address reuse. Without it this socket, once orphaned (its process died
            // while its peer was unreachable, so it lingers in FIN_WAIT), keeps a restarted node from binding its
            // listener on the port: the lab's revive of a node that had taken connections over failed so.
            Libc.setInt(fd, Libc.Option.SO_REUSEADDR, 1);
            return fd;
        } catch (KernelException | RuntimeException e) {
            Libc.closeAfterFailure(fd, e);
            throw e;
        }
    }

    /** {@code struct tcp_repair_opt[]}: MSS always, then only what was negotiated. */
    static MemorySegment repairOptions(Arena arena, TcpOptions options) {
        int count = 1 + (options.windowScaling() ? 1 : 0) + (options.sack() ? 1 : 0) + (options.timestamps() ? 1 : 0);
        MemorySegment opts = arena.allocate(JAVA_INT, 2L * count);
        int i = 0;
        i = putOption(opts, i, TCPOPT_MSS, options.mss());
        if (options.windowScaling()) {
            i = putOption(opts, i, TCPOPT_WINDOW, options.sendWindowScale() | options.receiveWindowScale() << 16);
        }
        if (options.sack()) {
            i = putOption(opts, i, TCPOPT_SACK_PERM, 0);
        }
        if (options.timestamps()) {
            putOption(opts, i, TCPOPT_TIMESTAMP, 0);
        }
        return opts;
    }

    private static int putOption(MemorySegment opts, int index, int code, int value) {
        opts.setAtIndex(JAVA_INT, 2L * index, code);
        opts.setAtIndex(JAVA_INT, 2L * index + 1, value);
        return index + 1;
    }

    /** {@code struct tcp_repair_window}: snd_wl1, snd_wnd, max_window, rcv_wnd, rcv_wup. */
    static MemorySegment repairWindow(Arena arena, RebuildSpec spec) {
        MemorySegment window = arena.allocate(JAVA_INT, 5);
        window.setAtIndex(JAVA_INT, 0, (int) spec.recvSeq());
        window.setAtIndex(JAVA_INT, 1, (int) spec.sendWindow());
        window.setAtIndex(JAVA_INT, 2, (int) spec.sendWindow());
        window.setAtIndex(JAVA_INT, 3, (int) spec.receiveWindow());
        window.setAtIndex(JAVA_INT, 4, (int) spec.recvSeq());
        return window;
    }
}
