package dev.takeover.checkpoint;

/**
 * Arithmetic on 32-bit TCP sequence numbers held in an {@code int}, modulo 2<sup>32</sup>.
 *
 * <p>A sequence number is an unsigned 32-bit value; Java's {@code int} holds the same bits, so addition and
 * subtraction wrap correctly and only comparison and printing need care. Comparison follows serial number
 * arithmetic (RFC 1982, as TCP's {@code before()/after()}): {@code a} precedes {@code b} when {@code b - a},
 * taken mod 2<sup>32</sup>, lies in {@code (0, 2^31)}. Two numbers exactly 2<sup>31</sup> apart are unordered;
 * {@link #compare} reports the one whose signed difference is negative as the smaller, consistently.
 *
 * <p>Byte counts since the start of a stream are {@code long}s and never wrap; {@link #add} maps a count to its
 * sequence number, {@link #unwrap} maps a sequence number back to the count nearest a known one.
 */
public final class SeqNum {

    private static final long MOD = 1L << 32;

    private SeqNum() {
    }

    /** The sequence number {@code bytes} after {@code seq}, modulo 2<sup>32</sup>; {@code bytes} may be any long. */
    public static int add(int seq, long bytes) {
        return (int) (seq + bytes);
    }

    /**
     * How many bytes {@code to} is after {@code from}, modulo 2<sup>32</sup>: always in {@code [0, 2^32)}.
     * {@code add(from, distance(from, to)) == to}.
     */
    public static long distance(int from, int to) {
        return Integer.toUnsignedLong(to - from);
    }

    /**
     * Orders two sequence numbers by serial number arithmetic: negative when {@code a} precedes {@code b}, zero when
     * equal, positive when {@code a} follows {@code b}. Meaningful only for numbers less than 2<sup>31</sup> apart.
     */
    public static int compare(int a, int b) {
        return Integer.signum(a - b);
    }

    /** {@code true} when {@code a} precedes {@code b} (TCP's {@code before(a, b)}). */
    public static boolean before(int a, int b) {
        return a - b < 0;
    }

    /** {@code true} when {@code a} follows {@code b} (TCP's {@code after(a, b)}). */
    public static boolean after(int a, int b) {
        return b - a < 0;
    }

    /** The unsigned value of {@code seq}, in {@code [0, 2^32)}. */
    public static long toUnsigned(int seq) {
        return Integer.toUnsignedLong(seq);
    }

    /**
     * The sequence number whose unsigned value is {@code value}.
     *
     * @throws IllegalArgumentException if {@code value} is outside {@code [0, 2^32)}
     */
    public static int fromUnsigned(long value) {
        if (value < 0 || value >= MOD) {
            throw new IllegalArgumentException("not a 32-bit unsigned sequence number: " + value);
        }
        return (int) value;
    }

    /**
     * The byte count {@code c} with {@code add(start, c) == seq} that lies nearest {@code near}: among all counts
     * congruent mod 2<sup>32</sup>, the one within {@code [near - 2^31, near + 2^31)}, but never negative. Use it to
     * read a peer's acknowledgment as a 64-bit position, with {@code near} a position known to be within 2 GiB of it
     * (a checkpointed position, say).
     *
     * @throws IllegalArgumentException if {@code near} is negative
     */
    public static long unwrap(int start, int seq, long near) {
        if (near < 0) {
            throw new IllegalArgumentException("near must be a byte count (>= 0): " + near);
        }
        int nearSeq = add(start, near);
        long count = near + (seq - nearSeq); // signed 32-bit offset from near, in [-2^31, 2^31)
        return count >= 0 ? count : count + MOD;
    }

    /** The unsigned decimal form of {@code seq}. */
    public static String toString(int seq) {
        return Integer.toUnsignedString(seq);
    }
}
