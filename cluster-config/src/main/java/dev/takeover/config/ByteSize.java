package dev.takeover.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes, written in the cluster file as a whole number with an optional {@code k}, {@code m} or
 * {@code g} suffix that multiplies by a power of 1024 ({@code 16k} = 16384 bytes, {@code 1g} = 2<sup>30</sup>
 * bytes). Suffixes are case-insensitive; a bare number counts bytes.
 *
 * <p>Immutable and thread-safe.
 *
 * @param bytes the size in bytes, never negative
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {

    private static final Pattern SYNTAX = Pattern.compile("([0-9]+)([kKmMgG]?)");
    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    /**
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("size must not be negative: " + bytes);
        }
    }

    /** @return {@code bytes} bytes */
    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    /** @return {@code kib} × 1024 bytes; throws {@link ArithmeticException} on overflow */
    public static ByteSize ofKib(long kib) {
        return new ByteSize(Math.multiplyExact(kib, KIB));
    }

    /** @return {@code mib} × 1024² bytes; throws {@link ArithmeticException} on overflow */
    public static ByteSize ofMib(long mib) {
        return new ByteSize(Math.multiplyExact(mib, MIB));
    }

    /** @return {@code gib} × 1024³ bytes; throws {@link ArithmeticException} on overflow */
    public static ByteSize ofGib(long gib) {
        return new ByteSize(Math.multiplyExact(gib, GIB));
    }

    /**
     * Parses the cluster-file syntax: {@code 512}, {@code 16k}, {@code 8m}, {@code 1g}.
     *
     * @param text the size text, not null; surrounding whitespace is not allowed
     * @return the size
     * @throws IllegalArgumentException with a message fit for the user if {@code text} is not a size or overflows
     *         a {@code long}
     */
    public static ByteSize parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: expected a whole number with an"
                    + " optional k, m or g suffix (powers of 1024), e.g. 16k, 8m, 1g");
        }
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> KIB;
            case "m" -> MIB;
            case "g" -> GIB;
            default -> 1;
        };
        try {
            return new ByteSize(Math.multiplyExact(Long.parseLong(m.group(1)), unit));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a size", e);
        }
    }

    /**
     * @return the size as an {@code int}, for APIs such as netty's codecs that take one
     * @throws ArithmeticException if the size does not fit an {@code int}
     */
    public int intBytes() {
        return Math.toIntExact(bytes);
    }

    @Override
    public int compareTo(ByteSize other) {
        return Long.compare(bytes, other.bytes);
    }

    /** @return the shortest cluster-file spelling that {@link #parse} reads back to this size, e.g. {@code 16k} */
    @Override
    public String toString() {
        if (bytes != 0 && bytes % GIB == 0) {
            return bytes / GIB + "g";
        }
        if (bytes != 0 && bytes % MIB == 0) {
            return bytes / MIB + "m";
        }
        if (bytes != 0 && bytes % KIB == 0) {
            return bytes / KIB + "k";
        }
        return Long.toString(bytes);
    }
}
