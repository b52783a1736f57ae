package dev.takeover.proxy.cache.policy;

import java.util.Objects;

/**
 * What to do with a stored response that matches a request; the outcome of {@link Reuse#decide}.
 */
public sealed interface ReuseDecision {

    /** The stored response is fresh and acceptable to the client: serve it (with an {@code Age} field). */
    record ServeFresh() implements ReuseDecision {
    }

    /**
     * The stored response is stale but may be served without waiting for the origin.
     *
     * @param why {@link #MAX_STALE} (the client accepts it) or {@link #STALE_WHILE_REVALIDATE} (the origin allows it
     *            while the cache revalidates in the background)
     */
    record ServeStale(String why) implements ReuseDecision {

        /** The request's {@code max-stale} covers the staleness. */
        public static final String MAX_STALE = "max-stale";
        /** The response's {@code stale-while-revalidate} window covers the staleness (RFC 5861 §3). */
        public static final String STALE_WHILE_REVALIDATE = "stale-while-revalidate";

        /** Validates that the reason is present. */
        public ServeStale {
            Objects.requireNonNull(why, "why");
        }

        /**
         * Whether the caller should start a background revalidation after serving.
         *
         * @return true for {@link #STALE_WHILE_REVALIDATE}, whose permission is conditional on that revalidation
         *     happening
         */
        public boolean revalidateInBackground() {
            return STALE_WHILE_REVALIDATE.equals(why);
        }
    }

    /**
     * The stored response may only be used after a successful validation with the origin: send a conditional request
     * (see {@link Conditionals#revalidationHeaders}). If the origin cannot be reached or answers 5xx, see
     * {@link Reuse#mayServeStaleOnError}.
     */
    record Revalidate() implements ReuseDecision {
    }
}
