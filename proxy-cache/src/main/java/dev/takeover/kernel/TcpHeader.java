package dev.takeover.kernel;

/**
 * The fields of a TCP header that a takeover reads or writes (options are neither sent nor parsed).
 * {@code window} is the raw 16-bit field: scale it by the sender's window-scale shift to get bytes.
 *
 * @param sourcePort      0 to 65535
 * @param destinationPort 0 to 65535
 * @param seq             sequence number, unsigned 32-bit
 * @param ack             acknowledgment number, unsigned 32-bit (meaningful when {@link #ACK} is set)
 * @param flags           the flag bits, a combination of {@link #FIN} ... {@link #URG} (and ECE/CWR)
 * @param window          the unscaled window field, 0 to 65535
 */
public record TcpHeader(int sourcePort, int destinationPort, long seq, long ack, int flags, int window) {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;

    /** @throws IllegalArgumentException for a field out of its range */
    public TcpHeader {
        requireU16(sourcePort, "sourcePort");
        requireU16(destinationPort, "destinationPort");
        Seq.require(seq, "seq");
        Seq.require(ack, "ack");
        if (flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("flags must be in [0, 255], got " + flags);
        }
        requireU16(window, "window");
    }

    /** Whether every bit of {@code flag} is set. */
    public boolean has(int flag) {
        return (flags & flag) == flag;
    }

    private static void requireU16(int value, String what) {
        if (value < 0 || value > 0xffff) {
            throw new IllegalArgumentException(what + " must be in [0, 65535], got " + value);
        }
    }
}
