package dev.takeover.proxy.cache.policy;

/**
 * How to answer a request from a complete stored representation with respect to {@code Range}; the outcome of
 * {@link ByteRanges#decide}.
 */
public sealed interface RangeDecision {

    /** Send the whole representation (200). */
    record Full() implements RangeDecision {
    }

    /**
     * Send one byte range (206 with {@code Content-Range: ByteRanges.contentRange(first, last, length)}).
     *
     * @param first the first byte position, inclusive, {@code >= 0}
     * @param last  the last byte position, inclusive, {@code >= first}
     */
    record Partial(long first, long last) implements RangeDecision {

        /**
         * Validates the positions.
         *
         * @throws IllegalArgumentException unless {@code 0 <= first <= last}
         */
        public Partial {
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("invalid byte range " + first + "-" + last);
            }
        }

        /**
         * The size of the range.
         *
         * @return {@code last - first + 1}
         */
        public long length() {
            return last - first + 1;
        }
    }

    /** No requested range overlaps the representation (416 with {@code ByteRanges.unsatisfiedRange(length)}). */
    record Unsatisfiable() implements RangeDecision {
    }
}
