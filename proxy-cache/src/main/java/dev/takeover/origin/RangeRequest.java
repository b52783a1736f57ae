package dev.takeover.origin;

import java.util.Locale;

/**
 * The outcome of a {@code Range} header evaluated against a representation length (RFC 9110, section 14).
 *
 * <p>Only a single byte range is honoured; a header with several ranges, another unit, or a syntax error is ignored,
 * which RFC 9110 allows, and the whole representation is sent.
 */
sealed interface RangeRequest {

    /** Send the whole representation with 200. */
    record Whole() implements RangeRequest {
    }

    /** Send bytes {@code [first, last]} (inclusive, both within the representation) with 206. */
    record Partial(long first, long last) implements RangeRequest {

        public Partial {
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("bad range " + first + "-" + last);
            }
        }

        long count() {
            return last - first + 1;
        }

        /** The {@code Content-Range} value, e.g. {@code bytes 0-99/1000}. */
        String contentRange(long length) {
            return "bytes " + first + "-" + last + "/" + length;
        }
    }

    /** No requested byte exists: answer 416 with {@code Content-Range: bytes *}{@code /length}. */
    record Unsatisfiable() implements RangeRequest {
    }

    RangeRequest WHOLE = new Whole();
    RangeRequest UNSATISFIABLE = new Unsatisfiable();

    /** Internal to {@link #evaluate}: an absent position ({@code "a-"} or {@code "-n"}). */
    long NONE = -1;
    /** Internal to {@link #evaluate}: a position that is not a decimal number. */
    long INVALID = -2;

    /**
     * Evaluates a {@code Range} header value.
     *
     * @param header the header value, or null when absent
     * @param length the representation length, {@code >= 0}
     */
    static RangeRequest evaluate(String header, long length) {
        if (header == null) {
            return WHOLE;
        }
        String value = header.strip();
        if (!value.toLowerCase(Locale.ROOT).startsWith("bytes=")) {
            return WHOLE;
        }
        String spec = value.substring("bytes=".length()).strip();
        int dash = spec.indexOf('-');
        if (spec.indexOf(',') >= 0 || dash < 0) {
            return WHOLE;
        }
        long first = parsePosition(spec.substring(0, dash).strip());
        long last = parsePosition(spec.substring(dash + 1).strip());
        if (first == NONE) { // suffix range: the last N bytes
            if (last == NONE || last == INVALID) {
                return WHOLE;
            }
            if (last == 0 || length == 0) {
                return UNSATISFIABLE;
            }
            return new Partial(Math.max(0, length - last), length - 1);
        }
        if (first == INVALID || last == INVALID || (last != NONE && last < first)) {
            return WHOLE;
        }
        if (first >= length) {
            return UNSATISFIABLE;
        }
        return new Partial(first, last == NONE ? length - 1 : Math.min(last, length - 1));
    }

    /** Parses a non-negative decimal, saturating at {@code Long.MAX_VALUE} (the value is then beyond any object). */
    private static long parsePosition(String text) {
        if (text.isEmpty()) {
            return NONE;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return INVALID;
            }
            if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
                value = Long.MAX_VALUE;
            } else if (value != Long.MAX_VALUE) {
                value = value * 10 + (c - '0');
            }
        }
        return value;
    }
}
