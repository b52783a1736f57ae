package dev.takeover.origin;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A deterministic object of any size up to 1 TiB, named by a request target such as {@code /synthetic/256m},
 * {@code /synthetic/10k/a} or {@code /synthetic/1g?v=2}.
 *
 * <p>The first path segment after {@code /synthetic/} is the size: a decimal number with an optional {@code k},
 * {@code m} or {@code g} suffix (powers of 1024, either case). Everything in the target, extra segments and query
 * included, selects the content: two distinct targets have distinct content and entity tags even when their sizes are
 * equal. The content is a keyed, seekable stream: the 64-bit hash of the target is the key and every little-endian
 * 8-byte word is a mixing function of (key, word index), so {@link #read} produces any slice in time proportional to
 * its length and the object is never materialized. Tests and drills use this class to check bytes without fetching
 * them.
 *
 * <p>Instances are immutable and thread-safe; two instances with the same target are equal.
 */
public final class SyntheticObject implements ServedObject {

    /** The path prefix of every synthetic target. */
    public static final String PATH_PREFIX = "/synthetic/";
    /** The largest size accepted, 1 TiB. */
    public static final long MAX_LENGTH = 1L << 40;

    private static final String BARE_PATH = "/synthetic";
    /** Fixed so that every run and every node agree on {@code Last-Modified}. */
    private static final Instant LAST_MODIFIED = Instant.parse("2024-01-01T00:00:00Z");
    private static final String CONTENT_TYPE = "application/octet-stream";
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final String target;
    private final long length;
    private final long key;

    private SyntheticObject(String target, long length) {
        this.target = target;
        this.length = length;
        this.key = hash(target);
    }

    /**
     * Parses a request target in origin form (path and optional query).
     *
     * @param requestTarget the target, e.g. {@code /synthetic/1g?v=2}
     * @return the object, or empty if the target is not under {@code /synthetic}
     * @throws IllegalArgumentException if the target is under {@code /synthetic} but its size is missing, malformed or
     *                                  larger than {@link #MAX_LENGTH}
     * @throws NullPointerException     if {@code requestTarget} is null
     */
    public static Optional<SyntheticObject> parse(String requestTarget) {
        Objects.requireNonNull(requestTarget, "requestTarget");
        if (!requestTarget.startsWith(BARE_PATH)) {
            return Optional.empty();
        }
        if (requestTarget.length() == BARE_PATH.length()
                || requestTarget.charAt(BARE_PATH.length()) == '?') {
            throw new IllegalArgumentException("synthetic target has no size: " + requestTarget);
        }
        if (!requestTarget.startsWith(PATH_PREFIX)) {
            return Optional.empty(); // e.g. /synthetics: a different path altogether
        }
        int start = PATH_PREFIX.length();
        int end = start;
        while (end < requestTarget.length() && requestTarget.charAt(end) != '/' && requestTarget.charAt(end) != '?') {
            end++;
        }
        long size = parseSize(requestTarget.substring(start, end));
        return Optional.of(new SyntheticObject(requestTarget, size));
    }

    /** Parses {@code <digits>[k|m|g]}; the multiplier is a power of 1024. */
    private static long parseSize(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("synthetic size is empty");
        }
        int shift = switch (Character.toLowerCase(text.charAt(text.length() - 1))) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
        if (digits.isEmpty() || digits.length() > 19 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("synthetic size is not <digits>[k|m|g]: " + text);
        }
        long value = Long.parseLong(digits); // 19 digits always fit
        if (value > MAX_LENGTH >> shift) {
            throw new IllegalArgumentException("synthetic size exceeds 1 TiB: " + text);
        }
        return value << shift;
    }

    /** The request target this object was parsed from, query included. */
    public String target() {
        return target;
    }

    /** The size in bytes. */
    @Override
    public long length() {
        return length;
    }

    /** A strong, quoted entity tag derived from the whole request target. */
    @Override
    public String etag() {
        return "\"syn-" + String.format("%016x", key) + "\"";
    }

    /** The same fixed instant for every synthetic object, at whole-second precision. */
    @Override
    public Instant lastModified() {
        return LAST_MODIFIED;
    }

    /** Always {@code application/octet-stream}. */
    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    /**
     * Copies the {@code len} bytes at {@code offset} into {@code dst[dstOff, dstOff + len)}.
     *
     * @throws IndexOutOfBoundsException if {@code [offset, offset + len)} is not within {@code [0, length())} or the
     *                                   destination slice is not within {@code dst}
     */
    public void read(long offset, byte[] dst, int dstOff, int len) {
        Objects.checkFromIndexSize(dstOff, len, dst.length);
        if (offset < 0 || offset > length - len) {
            throw new IndexOutOfBoundsException(
                    "range [" + offset + ", " + offset + " + " + len + ") outside object of length " + length);
        }
        int i = 0;
        long pos = offset;
        if ((pos & 7) != 0 && len > 0) { // head: the tail end of a word
            long word = word(pos >>> 3);
            for (; i < len && (pos & 7) != 0; i++, pos++) {
                dst[dstOff + i] = (byte) (word >>> ((pos & 7) << 3));
            }
        }
        for (; len - i >= Long.BYTES; i += Long.BYTES, pos += Long.BYTES) {
            LONG_LE.set(dst, dstOff + i, word(pos >>> 3));
        }
        if (i < len) { // tail: the start of a word
            long word = word(pos >>> 3);
            for (; i < len; i++, pos++) {
                dst[dstOff + i] = (byte) (word >>> ((pos & 7) << 3));
            }
        }
    }

    /** The 8-byte word number {@code index}: SplitMix64's output function applied to (key, index). */
    private long word(long index) {
        return mix(key + (index + 1) * GOLDEN_GAMMA);
    }

    /** FNV-1a over the UTF-8 bytes, then a final mix so that similar targets get unrelated keys. */
    private static long hash(String target) {
        long h = 0xcbf29ce484222325L;
        for (byte b : target.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return mix(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyntheticObject other && target.equals(other.target);
    }

    @Override
    public int hashCode() {
        return target.hashCode();
    }

    @Override
    public String toString() {
        return "SyntheticObject[" + target + ", " + length + " bytes]";
    }
}
