package dev.takeover.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.nio.ByteOrder;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The C library calls of this package, as foreign-function downcalls with {@code errno} captured, and the socket
 * address layouts they take. Every other class of the package goes through here; nothing here knows TCP repair.
 *
 * <p>Each wrapper returns on success and throws {@link KernelException} naming the call when the C function returns
 * -1. Thread-safe: the handles are immutable and each call captures {@code errno} into its own memory.
 * Linux only: loading this class elsewhere fails with {@link ExceptionInInitializerError}.
 */
final class Libc {

    static final int AF_INET = 2;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;
    static final int NETLINK_ROUTE = 0;
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_TCP = 6;
    static final int ETH_P_IP = 0x0800;
    static final int ETH_P_ARP = 0x0806;
    static final int PACKET_HOST = 0;
    static final long SIOCINQ = 0x541B;
    static final long SIOCOUTQ = 0x5411;
    static final long SIOCGIFHWADDR = 0x8927;

    /** The socket options used here, with their level, so a failure can name the option. */
    enum Option {
        SO_REUSEADDR(1, 2),
        SO_RCVBUF(1, 8),
        SO_RCVBUFFORCE(1, 33),
        SO_ATTACH_FILTER(1, 26),
        IP_FREEBIND(IPPROTO_IP, 15),
        TCP_MAXSEG(IPPROTO_TCP, 2),
        TCP_INFO(IPPROTO_TCP, 11),
        TCP_REPAIR(IPPROTO_TCP, 19),
        TCP_REPAIR_QUEUE(IPPROTO_TCP, 20),
        TCP_QUEUE_SEQ(IPPROTO_TCP, 21),
        TCP_REPAIR_OPTIONS(IPPROTO_TCP, 22),
        TCP_TIMESTAMP(IPPROTO_TCP, 24),
        TCP_REPAIR_WINDOW(IPPROTO_TCP, 29);

        final int level;
        final int name;

        Option(int level, int name) {
            this.level = level;
            this.name = name;
        }
    }

    private static final ValueLayout.OfShort BE_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    /** {@code struct sockaddr_in}: port and address in network byte order. */
    static final StructLayout SOCKADDR_IN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin_family"),
            BE_SHORT.withName("sin_port"),
            BE_INT.withName("sin_addr"),
            MemoryLayout.paddingLayout(8));

    /** {@code struct sockaddr_ll}, the link-level address of {@code AF_PACKET} sockets. */
    static final StructLayout SOCKADDR_LL = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sll_family"),
            BE_SHORT.withName("sll_protocol"),
            JAVA_INT.withName("sll_ifindex"),
            JAVA_SHORT.withName("sll_hatype"),
            JAVA_BYTE.withName("sll_pkttype"),
            JAVA_BYTE.withName("sll_halen"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sll_addr"));

    /** {@code struct sockaddr_nl}: to the kernel, port id 0, no multicast groups. */
    static final StructLayout SOCKADDR_NL = MemoryLayout.structLayout(
            JAVA_SHORT.withName("nl_family"), MemoryLayout.paddingLayout(2), JAVA_INT.withName("nl_pid"),
            JAVA_INT.withName("nl_groups"));

    /** {@code struct pollfd}. */
    static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));

    /** {@code struct sock_filter}, one classic BPF instruction. */
    private static final StructLayout SOCK_FILTER = MemoryLayout.structLayout(
            JAVA_SHORT.withName("code"), JAVA_BYTE.withName("jt"), JAVA_BYTE.withName("jf"), JAVA_INT.withName("k"));

    /** {@code struct sock_fprog}: length, padding, pointer to the instructions. */
    private static final StructLayout SOCK_FPROG = MemoryLayout.structLayout(
            JAVA_SHORT.withName("len"), MemoryLayout.paddingLayout(ADDRESS.byteSize() - 2), ADDRESS.withName("filter"));

    private static final VarHandle SIN_FAMILY = SOCKADDR_IN.varHandle(groupElement("sin_family"));
    private static final VarHandle SIN_PORT = SOCKADDR_IN.varHandle(groupElement("sin_port"));
    private static final VarHandle SIN_ADDR = SOCKADDR_IN.varHandle(groupElement("sin_addr"));
    private static final VarHandle SLL_FAMILY = SOCKADDR_LL.varHandle(groupElement("sll_family"));
    private static final VarHandle SLL_PROTOCOL = SOCKADDR_LL.varHandle(groupElement("sll_protocol"));
    private static final VarHandle SLL_IFINDEX = SOCKADDR_LL.varHandle(groupElement("sll_ifindex"));
    private static final VarHandle SLL_PKTTYPE = SOCKADDR_LL.varHandle(groupElement("sll_pkttype"));
    private static final VarHandle SLL_HALEN = SOCKADDR_LL.varHandle(groupElement("sll_halen"));
    private static final long SLL_ADDR_OFFSET = SOCKADDR_LL.byteOffset(groupElement("sll_addr"));
    private static final VarHandle POLL_FD = POLLFD.varHandle(groupElement("fd"));
    private static final VarHandle POLL_EVENTS = POLLFD.varHandle(groupElement("events"));
    private static final VarHandle POLL_REVENTS = POLLFD.varHandle(groupElement("revents"));
    private static final short POLLIN = 1;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(groupElement("errno"));

    private static final MethodHandle SOCKET = downcall("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle SETSOCKOPT =
            downcall("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKOPT =
            downcall("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle BIND = downcall("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle CONNECT = downcall("connect", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SENDTO =
            downcall("sendto", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle RECVFROM =
            downcall("recvfrom", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle POLL = downcall("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle CLOSE = downcall("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle IF_NAMETOINDEX = downcall("if_nametoindex", JAVA_INT, ADDRESS);
    private static final MethodHandle GETTID = downcall("gettid", JAVA_INT);
    private static final MethodHandle SETPRIORITY = downcall("setpriority", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    static final int PRIO_PROCESS = 0;
    // ioctl is variadic: its third argument must be declared as such for the calling convention.
    private static final MethodHandle IOCTL = Linker.nativeLinker().downcallHandle(
            symbol("ioctl"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));

    private Libc() {
    }

    private static MemorySegment symbol(String name) {
        SymbolLookup libc = Linker.nativeLinker().defaultLookup();
        return libc.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no C function " + name));
    }

    private static MethodHandle downcall(String name, ValueLayout result, ValueLayout... arguments) {
        return Linker.nativeLinker().downcallHandle(
                symbol(name), FunctionDescriptor.of(result, arguments), Linker.Option.captureCallState("errno"));
    }

    /** One downcall given the memory that receives {@code errno}; returns the C result widened to long. */
    @FunctionalInterface
    private interface Invocation {
        long invoke(MemorySegment callState) throws Throwable;
    }

    private static long call(String name, Invocation invocation) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            return call(name, arena.allocate(CALL_STATE), invocation);
        }
    }

    /** As {@link #call(String, Invocation)}, the {@code errno} going to {@code state} ({@link #callState}). */
    private static long call(String name, MemorySegment state, Invocation invocation) throws KernelException {
        long result;
        try {
            result = invocation.invoke(state);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("downcall " + name + " threw", t); // downcalls throw nothing checked
        }
        if (result == -1) {
            throw new KernelException(name, (int) ERRNO.get(state, 0L));
        }
        return result;
    }

    /**
     * Memory for the {@code errno} of one downcall at a time, for a caller that makes thousands in a row (a probe's
     * sends and captures) and would otherwise allocate and free it at each.
     */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    static int socket(int domain, int type, int protocol) throws KernelException {
        return (int) call("socket", s -> (int) SOCKET.invokeExact(s, domain, type, protocol));
    }

    static void setsockopt(int fd, Option option, MemorySegment value) throws KernelException {
        call("setsockopt(" + option + ")", s -> (int) SETSOCKOPT.invokeExact(
                s, fd, option.level, option.name, value, Math.toIntExact(value.byteSize())));
    }

    static void setInt(int fd, Option option, int value) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            setsockopt(fd, option, arena.allocateFrom(JAVA_INT, value));
        }
    }

    /** Reads an option into {@code size} bytes; returns the part the kernel filled in. */
    static MemorySegment getsockopt(int fd, Option option, Arena arena, int size) throws KernelException {
        MemorySegment value = arena.allocate(size, 8);
        MemorySegment length = arena.allocateFrom(JAVA_INT, size);
        call("getsockopt(" + option + ")",
                s -> (int) GETSOCKOPT.invokeExact(s, fd, option.level, option.name, value, length));
        return value.asSlice(0, length.get(JAVA_INT, 0));
    }

    static int getInt(int fd, Option option) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = getsockopt(fd, option, arena, Integer.BYTES);
            if (value.byteSize() != Integer.BYTES) { // every option read this way is an int
                throw new IllegalStateException("getsockopt(" + option + ") returned " + value.byteSize() + " bytes");
            }
            return value.get(JAVA_INT, 0);
        }
    }

    /**
     * Attaches a classic BPF program ({@code SO_ATTACH_FILTER}); each instruction is {@code struct sock_filter}
     * packed as {@code code << 48 | jt << 40 | jf << 32 | k}.
     */
    static void attachFilter(int fd, long... instructions) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment program = arena.allocate(SOCK_FILTER, instructions.length);
            for (int i = 0; i < instructions.length; i++) {
                long insn = instructions[i];
                MemorySegment slot = program.asSlice(i * SOCK_FILTER.byteSize(), SOCK_FILTER);
                slot.set(JAVA_SHORT, 0, (short) (insn >>> 48));
                slot.set(JAVA_BYTE, 2, (byte) (insn >>> 40));
                slot.set(JAVA_BYTE, 3, (byte) (insn >>> 32));
                slot.set(JAVA_INT, 4, (int) insn);
            }
            MemorySegment fprog = arena.allocate(SOCK_FPROG);
            fprog.set(JAVA_SHORT, 0, (short) instructions.length);
            fprog.set(ADDRESS, SOCK_FPROG.byteOffset(groupElement("filter")), program);
            setsockopt(fd, Option.SO_ATTACH_FILTER, fprog);
        }
    }

    /** One classic BPF instruction for {@link #attachFilter}. */
    static long bpf(int code, int jt, int jf, int k) {
        return (long) (code & 0xffff) << 48 | (long) (jt & 0xff) << 40 | (long) (jf & 0xff) << 32 | (k & 0xffffffffL);
    }

    static void bind(int fd, MemorySegment address) throws KernelException {
        call("bind", s -> (int) BIND.invokeExact(s, fd, address, (int) address.byteSize()));
    }

    static void connect(int fd, MemorySegment address) throws KernelException {
        call("connect", s -> (int) CONNECT.invokeExact(s, fd, address, (int) address.byteSize()));
    }

    /** Sends one datagram (raw and packet sockets send all of it or fail). */
    static void sendto(int fd, MemorySegment data, MemorySegment address) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            sendto(fd, data, address, arena.allocate(CALL_STATE));
        }
    }

    /** As {@link #sendto(int, MemorySegment, MemorySegment)}, with the caller's {@link #callState}. */
    static void sendto(int fd, MemorySegment data, MemorySegment address, MemorySegment state) throws KernelException {
        long sent = call("sendto", state, s -> (long) SENDTO.invokeExact(
                s, fd, data, data.byteSize(), 0, address, (int) address.byteSize()));
        if (sent != data.byteSize()) {
            throw new IllegalStateException("sendto sent " + sent + " of " + data.byteSize() + " bytes");
        }
    }

    /**
     * Receives one datagram into {@code buffer} (truncating a longer one) and its source into {@code from}, or
     * returns -1 when none is queued ({@code EAGAIN} on a non-blocking socket).
     */
    static long recvfrom(int fd, MemorySegment buffer, MemorySegment from) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            return recvfrom(fd, buffer, from, arena.allocate(JAVA_INT), arena.allocate(CALL_STATE));
        }
    }

    /**
     * As {@link #recvfrom(int, MemorySegment, MemorySegment)}, with the caller's memory for the source's length (an
     * {@code int}) and {@link #callState}.
     */
    static long recvfrom(int fd, MemorySegment buffer, MemorySegment from, MemorySegment fromLength,
                         MemorySegment state) throws KernelException {
        fromLength.set(JAVA_INT, 0, (int) from.byteSize());
        try {
            return call("recvfrom", state,
                    s -> (long) RECVFROM.invokeExact(s, fd, buffer, buffer.byteSize(), 0, from, fromLength));
        } catch (KernelException e) {
            if (e.errno() == Errno.EAGAIN) {
                return -1;
            }
            throw e;
        }
    }

    /** Waits up to {@code timeoutMillis} for {@code fd} to be readable; false on timeout or interruption by a signal. */
    static boolean pollIn(int fd, int timeoutMillis) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            return pollIn(fd, timeoutMillis, arena.allocate(POLLFD), arena.allocate(CALL_STATE));
        }
    }

    /** As {@link #pollIn(int, int)}, with the caller's memory for the {@code pollfd} and {@link #callState}. */
    static boolean pollIn(int fd, int timeoutMillis, MemorySegment pollfd, MemorySegment state) throws KernelException {
        try {
            POLL_FD.set(pollfd, 0L, fd);
            POLL_EVENTS.set(pollfd, 0L, POLLIN);
            POLL_REVENTS.set(pollfd, 0L, (short) 0);
            long ready = call("poll", state, s -> (int) POLL.invokeExact(s, pollfd, 1L, timeoutMillis));
            return ready > 0 && ((short) POLL_REVENTS.get(pollfd, 0L) & POLLIN) != 0;
        } catch (KernelException e) {
            if (e.errno() == Errno.EINTR) {
                return false; // the caller's loop re-polls with the time left
            }
            throw e;
        }
    }

    /** An ioctl whose argument is an {@code int} the kernel fills in ({@code SIOCINQ}, {@code SIOCOUTQ}). */
    static int ioctlInt(int fd, long request, String name) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            ioctl(fd, request, value, name);
            return value.get(JAVA_INT, 0);
        }
    }

    static void ioctl(int fd, long request, MemorySegment argument, String name) throws KernelException {
        call("ioctl(" + name + ")", s -> (int) IOCTL.invokeExact(s, fd, request, argument));
    }

    /** The index of a network interface; {@code ENODEV} when there is none by that name. */
    static int ifNameToIndex(String interfaceName) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(interfaceName);
            // if_nametoindex reports failure as 0, not -1
            MemorySegment state = arena.allocate(CALL_STATE);
            int index;
            try {
                index = (int) IF_NAMETOINDEX.invokeExact(state, name);
            } catch (Throwable t) {
                throw new IllegalStateException("downcall if_nametoindex threw", t);
            }
            if (index == 0) {
                throw new KernelException("if_nametoindex(" + interfaceName + ")", (int) ERRNO.get(state, 0L));
            }
            return index;
        }
    }

    /** The calling thread's kernel id (never fails). */
    static int gettid() throws KernelException {
        return (int) call("gettid", s -> (int) GETTID.invokeExact(s));
    }

    /** Sets the nice value of one thread ({@code who} a thread id with {@link #PRIO_PROCESS}, as on Linux). */
    static void setpriority(int which, int who, int nice) throws KernelException {
        call("setpriority", s -> (int) SETPRIORITY.invokeExact(s, which, who, nice));
    }

    static void close(int fd) throws KernelException {
        call("close", s -> (int) CLOSE.invokeExact(s, fd));
    }

    /** Closes {@code fd} on an error path, keeping the first failure as the one reported. */
    static void closeAfterFailure(int fd, Throwable failure) {
        try {
            close(fd);
        } catch (KernelException e) {
            failure.addSuppressed(e);
        }
    }

    static MemorySegment sockaddrIn(Arena arena, Inet4Address address, int port) {
        return sockaddrIn(arena.allocate(SOCKADDR_IN), address, port);
    }

    /** Fills {@code sa} (of {@link #SOCKADDR_IN}'s size) with an IPv4 socket address; returns it. */
    static MemorySegment sockaddrIn(MemorySegment sa, Inet4Address address, int port) {
        SIN_FAMILY.set(sa, 0L, (short) AF_INET);
        SIN_PORT.set(sa, 0L, (short) port);
        SIN_ADDR.set(sa, 0L, Bytes.ipv4(address));
        return sa;
    }

    /** A link-level address for {@code bind}/{@code sendto}: protocol in host order, hardware address optional. */
    static MemorySegment sockaddrLl(Arena arena, int protocol, int interfaceIndex, byte[] hardwareAddress) {
        MemorySegment sa = arena.allocate(SOCKADDR_LL);
        SLL_FAMILY.set(sa, 0L, (short) AF_PACKET);
        SLL_PROTOCOL.set(sa, 0L, (short) protocol);
        SLL_IFINDEX.set(sa, 0L, interfaceIndex);
        SLL_HALEN.set(sa, 0L, (byte) hardwareAddress.length);
        MemorySegment.copy(hardwareAddress, 0, sa, JAVA_BYTE, SLL_ADDR_OFFSET, hardwareAddress.length);
        return sa;
    }

    /** The kernel's netlink address, for {@code sendto} on a netlink socket. */
    static MemorySegment sockaddrNl(Arena arena) {
        MemorySegment sa = arena.allocate(SOCKADDR_NL); // zeroed: port id 0 is the kernel
        sa.set(JAVA_SHORT, 0, (short) AF_NETLINK);
        return sa;
    }

    /** The {@code sll_pkttype} of an address {@link #recvfrom} filled in. */
    static int packetType(MemorySegment sockaddrLl) {
        return Byte.toUnsignedInt((byte) SLL_PKTTYPE.get(sockaddrLl, 0L));
    }
}
