package dev.takeover.kernel;

/**
 * TCP sequence-number arithmetic (RFC 9293 section 3.4): numbers are unsigned 32-bit values carried in a
 * {@code long} in {@code [0, 2^32)}, and every sum wraps modulo 2^32.
 *
 * <p>A distance is only meaningful for positions less than 2 GiB apart; a stream that may move further between two
 * checkpoints needs a checkpoint at least that often so that offsets stay unambiguous.
 */
public final class Seq {

    /** Numbers wrap at this value. */
    public static final long MODULUS = 1L << 32;

    private static final long MASK = MODULUS - 1;

    private Seq() {
    }

    /** {@code seq + delta} modulo 2^32; {@code delta} may be negative. */
    public static long add(long seq, long delta) {
        return (seq + delta) & MASK;
    }

    /** The number of bytes from {@code from} forward to {@code to}, modulo 2^32, in {@code [0, 2^32)}. */
    public static long distance(long from, long to) {
        return (to - from) & MASK;
    }

    /** Whether {@code a} lies after {@code b} in sequence space (less than 2^31 ahead of it). */
    public static boolean after(long a, long b) {
        return (int) (a - b) > 0;
    }

    /**
     * Returns {@code seq} when it is a valid sequence number.
     *
     * @throws IllegalArgumentException naming {@code what} when {@code seq} is outside {@code [0, 2^32)}
     */
    public static long require(long seq, String what) {
        if (seq < 0 || seq > MASK) {
            throw new IllegalArgumentException(what + " must be in [0, 2^32), got " + seq);
        }
        return seq;
    }

    /** The unsigned value of a 32-bit field the kernel returned. */
    static long fromInt(int raw) {
        return Integer.toUnsignedLong(raw);
    }
}
