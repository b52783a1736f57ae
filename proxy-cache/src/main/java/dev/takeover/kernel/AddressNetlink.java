package dev.takeover.kernel;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Puts an IPv4 address on an interface, or takes it off, with one rtnetlink request ({@code RTM_NEWADDR},
 * {@code RTM_DELADDR}) answered by the kernel's acknowledgment: what {@code ip addr replace} and {@code ip addr del}
 * send, without starting a process. A takeover claims its address on the critical path, where starting {@code ip}
 * cost 10 ms on an idle machine and 25-115 ms on a loaded one; this costs a few system calls.
 *
 * <p>Each call opens a netlink socket of its own, so calls from several threads never read each other's answers.
 * Stateless and thread-safe. <b>Privilege:</b> CAP_NET_ADMIN.
 */
final class AddressNetlink {

    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;

    // linux/netlink.h and linux/if_addr.h
    private static final int NLMSG_ERROR = 2;
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLM_F_ACK = 0x4;
    private static final int NLM_F_REPLACE = 0x100;
    private static final int NLM_F_CREATE = 0x400;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int RT_SCOPE_UNIVERSE = 0;

    /** nlmsghdr (16) + ifaddrmsg (8) + IFA_LOCAL and IFA_ADDRESS (8 each). */
    static final int REQUEST_BYTES = 40;
    private static final int HEADER_BYTES = 16;
    private static final int ANSWER_BYTES = 1024;
    /** The kernel answers an address request before {@code sendto} returns; this only bounds a broken kernel. */
    private static final int ANSWER_WAIT_MILLIS = 2000;

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private AddressNetlink() {
    }

    /**
     * Puts {@code address/prefixLength} on interface {@code index}, or leaves it as it is when it is there already
     * ({@code NLM_F_CREATE | NLM_F_REPLACE}, as {@code ip addr replace}).
     *
     * @throws KernelException naming the request, e.g. {@code EPERM} without CAP_NET_ADMIN
     */
    static void add(int index, Inet4Address address, int prefixLength) throws IOException {
        request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, index, address, prefixLength);
    }

    /**
     * Takes {@code address/prefixLength} off interface {@code index}.
     *
     * @return false when it was not there ({@code EADDRNOTAVAIL}), true when it was taken off
     * @throws KernelException for any other refusal
     */
    static boolean remove(int index, Inet4Address address, int prefixLength) throws IOException {
        try {
            request(RTM_DELADDR, 0, index, address, prefixLength);
            return true;
        } catch (KernelException e) {
            if (e.errnoName().equals("EADDRNOTAVAIL")) {
                return false;
            }
            throw e;
        }
    }

    private static void request(int type, int flags, int index, Inet4Address address, int prefixLength)
            throws IOException {
        int sequence = SEQUENCE.incrementAndGet();
        String call = (type == RTM_NEWADDR ? "RTM_NEWADDR " : "RTM_DELADDR ") + address.getHostAddress() + '/'
                + prefixLength + " on interface " + index;
        int fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
        try (Arena arena = Arena.ofConfined()) {
            byte[] message = message(type, NLM_F_REQUEST | NLM_F_ACK | flags, sequence, index, address, prefixLength);
            Libc.sendto(fd, arena.allocateFrom(JAVA_BYTE, message), Libc.sockaddrNl(arena));
            awaitAcknowledgment(fd, sequence, call, arena);
        } catch (IOException | RuntimeException e) {
            Libc.closeAfterFailure(fd, e);
            throw e;
        }
        Libc.close(fd);
    }

    /** The request: {@code nlmsghdr}, {@code ifaddrmsg}, then the address as both local and peer address. */
    static byte[] message(int type, int flags, int sequence, int index, Inet4Address address, int prefixLength) {
        ByteBuffer b = ByteBuffer.allocate(REQUEST_BYTES).order(ByteOrder.nativeOrder());
        b.putInt(REQUEST_BYTES).putShort((short) type).putShort((short) flags).putInt(sequence).putInt(0);
        b.put((byte) Libc.AF_INET).put((byte) prefixLength).put((byte) 0).put((byte) RT_SCOPE_UNIVERSE).putInt(index);
        for (int attribute : new int[] {IFA_LOCAL, IFA_ADDRESS}) {
            b.putShort((short) 8).putShort((short) attribute).put(address.getAddress()); // in network order
        }
        return b.array();
    }

    /** Reads answers until the {@code NLMSG_ERROR} for {@code sequence}: error 0 is the acknowledgment. */
    private static void awaitAcknowledgment(int fd, int sequence, String call, Arena arena) throws IOException {
        MemorySegment buffer = arena.allocate(ANSWER_BYTES);
        MemorySegment from = arena.allocate(Libc.SOCKADDR_NL);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ANSWER_WAIT_MILLIS);
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new IOException(call + ": no answer from the kernel within " + ANSWER_WAIT_MILLIS + " ms");
            }
            if (!Libc.pollIn(fd, (int) left)) {
                continue; // timed out (the check above says so) or interrupted by a signal
            }
            long length = Libc.recvfrom(fd, buffer, from);
            if (length < 0) {
                continue;
            }
            int error = errorFor(buffer.asSlice(0, length).toArray(JAVA_BYTE), sequence);
            if (error == 0) {
                return;
            }
            if (error < 0) {
                throw new KernelException(call, -error);
            }
        }
    }

    /**
     * The error code the kernel answered for {@code sequence} in {@code datagram}: 0 acknowledged, negative an
     * {@code errno} refused; 1 when the datagram holds no answer to it.
     */
    static int errorFor(byte[] datagram, int sequence) {
        ByteBuffer b = ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder());
        int at = 0;
        while (at + HEADER_BYTES <= datagram.length) {
            int length = b.getInt(at);
            int type = Short.toUnsignedInt(b.getShort(at + 4));
            int seq = b.getInt(at + 8);
            if (length < HEADER_BYTES || at + length > datagram.length) {
                return 1; // truncated or malformed: not an answer
            }
            if (type == NLMSG_ERROR && seq == sequence && length >= HEADER_BYTES + 4) {
                return b.getInt(at + HEADER_BYTES);
            }
            at += (length + 3) & ~3;
        }
        return 1;
    }
}
