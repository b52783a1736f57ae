package dev.takeover.proxy.cache.policy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Range requests served from a complete stored representation (RFC 9110 §14).
 *
 * <p>{@link #decide} returns {@link RangeDecision.Full} when the {@code Range} field must or may be ignored:
 * <ul>
 *   <li>the method is not {@code GET} (RFC 9110 §14.2);</li>
 *   <li>there is no {@code Range}, or more than one field line, or the unit is not {@code bytes}
 *       (case-insensitive), or the ranges-specifier is syntactically invalid (including {@code last < first});</li>
 *   <li>more than one range is requested: answering with the whole representation is allowed (a server MAY ignore
 *       {@code Range}) and spares us {@code multipart/byteranges};</li>
 *   <li>{@code If-Range} is present and does not match (RFC 9110 §13.1.5): an entity tag matches only by strong
 *       comparison with a strong stored {@code ETag} (weak tags never match); an HTTP-date matches only when it
 *       equals the stored {@code Last-Modified} exactly and that {@code Last-Modified} is strong, meaning at least one
 *       second older than the stored {@code Date} (RFC 9110 §8.8.2.2); anything else never matches;</li>
 *   <li>the representation is empty and the range is a non-zero suffix: satisfiable in theory, but a zero-byte 206
 *       cannot be described by {@code Content-Range}, so the (empty) whole is sent.</li>
 * </ul>
 * Otherwise the single range is resolved against the representation length (RFC 9110 §14.1.2): {@code a-b} with
 * {@code b} clamped to {@code length - 1}, {@code a-} to the end, {@code -n} the last {@code n} bytes (all of them if
 * {@code n >= length}); it is {@link RangeDecision.Unsatisfiable} when {@code a >= length} or for {@code -0}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ByteRanges {

    /** Marks "absent" in a parsed range: {@code {first, NONE}} is {@code first-}, {@code {NONE, n}} is {@code -n}. */
    private static final long NONE = -1;

    private ByteRanges() {
    }

    /**
     * Decides how to answer a request with respect to its {@code Range} and {@code If-Range} fields.
     *
     * @param method               the request method
     * @param requestHeaders       the request's headers
     * @param representationLength the length of the stored representation in bytes, {@code >= 0}
     * @param storedHeaders        the stored response's headers ({@code ETag}, {@code Last-Modified}, {@code Date})
     * @return {@code Full}, a resolved {@code Partial}, or {@code Unsatisfiable}
     * @throws IllegalArgumentException if {@code representationLength} is negative
     */
    public static RangeDecision decide(HttpMethod method, HttpHeaders requestHeaders, long representationLength,
                                       HttpHeaders storedHeaders) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        Objects.requireNonNull(storedHeaders, "storedHeaders");
        if (representationLength < 0) {
            throw new IllegalArgumentException("representationLength must not be negative: " + representationLength);
        }
        List<String> range = requestHeaders.getAll(HttpHeaderNames.RANGE);
        if (!HttpMethod.GET.equals(method) || range.size() != 1) {
            return new RangeDecision.Full();
        }
        long[] spec = parseSingleByteRange(range.getFirst());
        if (spec == null) {
            return new RangeDecision.Full();
        }
        String ifRange = requestHeaders.get(HttpHeaderNames.IF_RANGE);
        if (ifRange != null && !ifRangeMatches(ifRange, storedHeaders)) {
            return new RangeDecision.Full();
        }
        return resolve(spec[0], spec[1], representationLength);
    }

    /**
     * The {@code Content-Range} field value of a 206: {@code bytes first-last/length}.
     *
     * @param first  the first byte position, inclusive
     * @param last   the last byte position, inclusive
     * @param length the complete representation length
     * @return e.g. {@code bytes 0-9/100}
     * @throws IllegalArgumentException unless {@code 0 <= first <= last < length}
     */
    public static String contentRange(long first, long last, long length) {
        if (first < 0 || last < first || last >= length) {
            throw new IllegalArgumentException("invalid range " + first + "-" + last + " of length " + length);
        }
        return "bytes " + first + '-' + last + '/' + length;
    }

    /**
     * The {@code Content-Range} field value of a 416: {@code bytes *}{@code /length}.
     *
     * @param length the complete representation length
     * @return e.g. {@code bytes *}{@code /100}
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static String unsatisfiedRange(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative: " + length);
        }
        return "bytes */" + length;
    }

    /**
     * Parses {@code bytes=<one range-spec>}; empty list members are allowed around it.
     *
     * @return {@code {first, last}} with {@link #NONE} for an absent position, or null if invalid, not in bytes, or
     *     containing more than one range
     */
    private static long[] parseSingleByteRange(String value) {
        int eq = value.indexOf('=');
        if (eq < 0 || !FieldValues.trimOws(value.substring(0, eq)).equalsIgnoreCase("bytes")) {
            return null;
        }
        List<String> specs = FieldValues.splitList(value.substring(eq + 1));
        if (specs.size() != 1) {
            // No range at all is invalid; several ranges are valid but deliberately answered in full.
            return null;
        }
        String spec = specs.getFirst();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        long first = position(spec.substring(0, dash));
        long last = position(spec.substring(dash + 1));
        if (first == NONE && last == NONE || first < NONE || last < NONE) {
            return null;
        }
        if (first != NONE && last != NONE && last < first) {
            return null;
        }
        return new long[] {first, last};
    }

    /** A position of 1*DIGIT (saturating at Long.MAX_VALUE), NONE when empty, or -2 when not digits. */
    private static long position(String s) {
        if (s.isEmpty()) {
            return NONE;
        }
        long value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -2;
            }
            value = value > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
        }
        return value;
    }

    private static RangeDecision resolve(long first, long last, long length) {
        if (first == NONE) {
            // suffix-range: the last `last` bytes.
            if (last == 0) {
                return new RangeDecision.Unsatisfiable();
            }
            if (length == 0) {
                return new RangeDecision.Full();
            }
            return new RangeDecision.Partial(Math.max(0, length - last), length - 1);
        }
        if (first >= length) {
            return new RangeDecision.Unsatisfiable();
        }
        return new RangeDecision.Partial(first, last == NONE ? length - 1 : Math.min(last, length - 1));
    }

    private static boolean ifRangeMatches(String ifRange, HttpHeaders stored) {
        String value = FieldValues.trimOws(ifRange);
        if (value.startsWith("\"") || value.startsWith("W/")) {
            EntityTag requested = EntityTag.parse(value);
            EntityTag current = EntityTag.parse(stored.get(HttpHeaderNames.ETAG));
            return requested != null && current != null && requested.strongMatch(current);
        }
        OptionalLong date = HttpDates.parse(value);
        OptionalLong lastModified = HttpDates.parse(stored.get(HttpHeaderNames.LAST_MODIFIED));
        OptionalLong responseDate = HttpDates.parse(stored.get(HttpHeaderNames.DATE));
        return date.isPresent() && lastModified.isPresent() && responseDate.isPresent()
            && date.getAsLong() == lastModified.getAsLong()
            && responseDate.getAsLong() - lastModified.getAsLong() >= 1000;
    }
}
