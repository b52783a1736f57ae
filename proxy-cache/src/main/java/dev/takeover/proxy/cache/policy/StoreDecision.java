package dev.takeover.proxy.cache.policy;

import java.util.Objects;

/**
 * Whether a response may be stored by the shared cache; the outcome of {@link Storability#decide}.
 */
public sealed interface StoreDecision {

    /** The response may be stored. */
    record Store() implements StoreDecision {
    }

    /**
     * The response must not be stored.
     *
     * @param reason a short human-readable explanation for logs and metrics, never null
     */
    record DoNotStore(String reason) implements StoreDecision {
        /** Validates that the reason is present. */
        public DoNotStore {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
