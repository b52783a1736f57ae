package dev.takeover.proxy.cache.policy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Freshness lifetime and age of a stored response, for a shared cache (RFC 9111 §4.2).
 *
 * <p>The caller must make sure a stored response carries a {@code Date} field: a recipient with a clock adds one when
 * the origin omitted it (RFC 9110 §6.6.1), e.g. {@code HttpDates.format(responseTimeMillis)}. Without a valid
 * {@code Date}, {@code Expires} and the heuristic yield a zero lifetime and the apparent age is zero.
 *
 * <p>Stateless and thread-safe; headers are only read.
 */
public final class Freshness {

    /** Upper bound of the heuristic freshness lifetime. */
    static final long HEURISTIC_CAP_MILLIS = 24L * 60 * 60 * 1000;

    private Freshness() {
    }

    /**
     * The freshness lifetime (RFC 9111 §4.2.1) as seen by a shared cache, first match wins:
     * <ol>
     *   <li>{@code s-maxage};</li>
     *   <li>{@code max-age};</li>
     *   <li>{@code Expires} minus {@code Date}, at least 0; an invalid {@code Expires} (or a missing/invalid
     *       {@code Date}) means already expired, i.e. 0 (RFC 9111 §5.3);</li>
     *   <li>for heuristically cacheable statuses only, 10% of {@code Date} minus {@code Last-Modified}, capped at
     *       24 hours (RFC 9111 §4.2.2);</li>
     *   <li>otherwise 0.</li>
     * </ol>
     * Duplicate field lines of {@code Expires}, {@code Date} and {@code Last-Modified}: the first is used.
     *
     * @param status          the stored response's status code
     * @param responseHeaders the stored response's headers
     * @return the lifetime in milliseconds, {@code >= 0}
     */
    public static long lifetimeMillis(int status, HttpHeaders responseHeaders) {
        return lifetimeMillis(status, responseHeaders, CacheControl.ofResponse(responseHeaders));
    }

    /**
     * As {@link #lifetimeMillis(int, HttpHeaders)}, with the response's directives already parsed (the caller usually
     * has them for {@link Reuse} anyway).
     *
     * @param status          the stored response's status code
     * @param responseHeaders the stored response's headers
     * @param responseCc      {@code CacheControl.ofResponse(responseHeaders)}
     * @return the lifetime in milliseconds, {@code >= 0}
     */
    public static long lifetimeMillis(int status, HttpHeaders responseHeaders, CacheControl responseCc) {
        Objects.requireNonNull(responseHeaders, "responseHeaders");
        Objects.requireNonNull(responseCc, "responseCc");
        if (responseCc.sMaxAge().isPresent()) {
            return FieldValues.secondsToMillis(responseCc.sMaxAge().getAsLong());
        }
        if (responseCc.maxAge().isPresent()) {
            return FieldValues.secondsToMillis(responseCc.maxAge().getAsLong());
        }
        OptionalLong date = HttpDates.parse(responseHeaders.get(HttpHeaderNames.DATE));
        String expiresValue = responseHeaders.get(HttpHeaderNames.EXPIRES);
        if (expiresValue != null) {
            OptionalLong expires = HttpDates.parse(expiresValue);
            if (expires.isEmpty() || date.isEmpty()) {
                return 0;
            }
            return Math.max(0, expires.getAsLong() - date.getAsLong());
        }
        if (!Storability.isHeuristicallyCacheable(status) || date.isEmpty()) {
            return 0;
        }
        OptionalLong lastModified = HttpDates.parse(responseHeaders.get(HttpHeaderNames.LAST_MODIFIED));
        if (lastModified.isEmpty()) {
            return 0;
        }
        long sinceModified = date.getAsLong() - lastModified.getAsLong();
        return sinceModified <= 0 ? 0 : Math.min(sinceModified / 10, HEURISTIC_CAP_MILLIS);
    }

    /**
     * The current age (RFC 9111 §4.2.3):
     * <pre>
     * apparent_age          = max(0, response_time - date_value)
     * response_delay        = response_time - request_time
     * corrected_age_value   = age_value + response_delay
     * corrected_initial_age = max(apparent_age, corrected_age_value)
     * resident_time         = now - response_time
     * current_age           = corrected_initial_age + resident_time
     * </pre>
     * {@code age_value} is the first member of the stored {@code Age} field, 0 when absent or invalid (RFC 9111 §5.1),
     * capped at 2^31 seconds. A missing or invalid {@code Date} gives an apparent age of 0. Negative delays and
     * resident times (clock steps) count as 0.
     *
     * @param responseHeaders   the stored response's headers as received from upstream
     * @param requestTimeMillis when the request that produced the stored response was sent
     * @param responseTimeMillis when that response was received
     * @param nowMillis         the current time
     * @return the age in milliseconds, {@code >= 0}
     */
    public static long currentAgeMillis(HttpHeaders responseHeaders, long requestTimeMillis, long responseTimeMillis,
                                        long nowMillis) {
        return currentAgeMillis(correctedInitialAgeMillis(responseHeaders, requestTimeMillis, responseTimeMillis),
            responseTimeMillis, nowMillis);
    }

    /**
     * The part of {@link #currentAgeMillis(HttpHeaders, long, long, long)} that does not change while a response is
     * stored: {@code corrected_initial_age} (RFC 9111 §4.2.3). A cache computes it once per stored response and
     * then gets the current age with {@link #currentAgeMillis(long, long, long)}, without parsing fields per use.
     *
     * @param responseHeaders    the stored response's headers as received from upstream
     * @param requestTimeMillis  when the request that produced the stored response was sent
     * @param responseTimeMillis when that response was received
     * @return {@code corrected_initial_age} in milliseconds, {@code >= 0}
     */
    public static long correctedInitialAgeMillis(HttpHeaders responseHeaders, long requestTimeMillis,
                                                 long responseTimeMillis) {
        Objects.requireNonNull(responseHeaders, "responseHeaders");
        OptionalLong date = HttpDates.parse(responseHeaders.get(HttpHeaderNames.DATE));
        long apparentAge = date.isPresent() ? Math.max(0, responseTimeMillis - date.getAsLong()) : 0;
        long responseDelay = Math.max(0, responseTimeMillis - requestTimeMillis);
        long correctedAgeValue = saturatedAdd(ageValueMillis(responseHeaders), responseDelay);
        return Math.max(apparentAge, correctedAgeValue);
    }

    /**
     * The current age from a {@link #correctedInitialAgeMillis corrected initial age}:
     * {@code corrected_initial_age + resident_time}, a negative resident time (clock step) counting as 0.
     *
     * @param correctedInitialAgeMillis from {@link #correctedInitialAgeMillis(HttpHeaders, long, long)}; {@code >= 0}
     * @param responseTimeMillis        when the stored response was received
     * @param nowMillis                 the current time
     * @return the age in milliseconds, {@code >= 0}
     */
    public static long currentAgeMillis(long correctedInitialAgeMillis, long responseTimeMillis, long nowMillis) {
        long residentTime = Math.max(0, nowMillis - responseTimeMillis);
        return saturatedAdd(correctedInitialAgeMillis, residentTime);
    }

    /** Sum of two non-negative values, {@link Long#MAX_VALUE} instead of overflowing. */
    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static long ageValueMillis(HttpHeaders headers) {
        String age = headers.get(HttpHeaderNames.AGE);
        if (age == null) {
            return 0;
        }
        int comma = age.indexOf(',');
        long seconds = FieldValues.parseDeltaSeconds(FieldValues.trimOws(comma < 0 ? age : age.substring(0, comma)));
        return seconds < 0 ? 0 : seconds * 1000;
    }

    /**
     * The value of the {@code Age} field to send for a given current age: whole seconds, rounded down, at most
     * {@link Integer#MAX_VALUE} (2^31 − 1, the closest an {@code int} gets to the RFC's 2^31 cap).
     *
     * @param currentAgeMillis the current age; negative values give 0
     * @return the {@code Age} value in seconds
     */
    public static int ageHeaderSeconds(long currentAgeMillis) {
        return (int) Math.clamp(currentAgeMillis / 1000, 0L, Integer.MAX_VALUE);
    }

    /**
     * Convenience: the lifetime and current age of a stored response in one state.
     *
     * @param status             the stored response's status code
     * @param responseHeaders    the stored response's headers as received from upstream
     * @param requestTimeMillis  when the request that produced the stored response was sent
     * @param responseTimeMillis when that response was received
     * @param nowMillis          the current time
     * @return the state at {@code nowMillis}
     *
     * @see #lifetimeMillis(int, HttpHeaders)
     * @see #currentAgeMillis(HttpHeaders, long, long, long)
     */
    public static FreshnessState state(int status, HttpHeaders responseHeaders, long requestTimeMillis,
                                       long responseTimeMillis, long nowMillis) {
        return new FreshnessState(lifetimeMillis(status, responseHeaders),
            currentAgeMillis(responseHeaders, requestTimeMillis, responseTimeMillis, nowMillis));
    }
}
