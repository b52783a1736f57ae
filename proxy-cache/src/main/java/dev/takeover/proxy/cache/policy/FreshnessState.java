package dev.takeover.proxy.cache.policy;

/**
 * A stored response's freshness lifetime and current age at one instant (RFC 9111 §4.2). Immutable.
 *
 * @param lifetimeMillis the freshness lifetime, from {@link Freshness#lifetimeMillis}; {@code >= 0}
 * @param ageMillis      the current age, from {@link Freshness#currentAgeMillis}; {@code >= 0}
 */
public record FreshnessState(long lifetimeMillis, long ageMillis) {

    /**
     * Validates the arguments.
     *
     * @throws IllegalArgumentException if either value is negative
     */
    public FreshnessState {
        if (lifetimeMillis < 0 || ageMillis < 0) {
            throw new IllegalArgumentException(
                "lifetime and age must not be negative: lifetime=" + lifetimeMillis + " age=" + ageMillis);
        }
    }

    /**
     * Whether the response is fresh (RFC 9111 §4.2); a zero lifetime is never fresh.
     *
     * @return {@code lifetime > age}
     */
    public boolean isFresh() {
        return lifetimeMillis > ageMillis;
    }

    /**
     * How long ago the response became stale.
     *
     * @return {@code max(0, age - lifetime)}
     */
    public long stalenessMillis() {
        return Math.max(0, ageMillis - lifetimeMillis);
    }

    /**
     * How much freshness is left.
     *
     * @return {@code max(0, lifetime - age)}
     */
    public long remainingMillis() {
        return Math.max(0, lifetimeMillis - ageMillis);
    }
}
