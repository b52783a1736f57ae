package dev.takeover.proxy.cache.policy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The directives of a {@code Cache-Control} header field (RFC 9111 §5.2), plus the RFC 5861 extensions
 * {@code stale-while-revalidate} / {@code stale-if-error} and the RFC 8246 {@code immutable}.
 *
 * <p>Parsing combines all field lines (RFC 9110 §5.3), splits on commas outside quoted strings, matches directive
 * names case-insensitively and accepts arguments as token or quoted-string (so {@code max-age="60"} is 60,
 * RFC 9111 §5.2). It is tolerant: unknown directives and junk are ignored, and it never throws on a header value.
 * Specific rules:
 * <ul>
 *   <li>Delta-seconds larger than 2^31 are taken as 2^31 (RFC 9111 §1.2.2).</li>
 *   <li>A {@code max-age} or {@code s-maxage} whose argument is missing or not delta-seconds is taken as {@code 0}:
 *       RFC 9111 §4.2.1 encourages treating invalid freshness information as stale, which is also the safe choice.
 *       Other malformed arguments ({@code min-fresh}, {@code stale-*}, a non-numeric {@code max-stale}) drop the
 *       directive.</li>
 *   <li>{@code max-stale} without an argument means any staleness: {@link #maxStale()} is {@link #UNLIMITED}.</li>
 *   <li>Duplicates resolve to the most restrictive value: the smallest {@code max-age}, {@code s-maxage},
 *       {@code max-stale}, {@code stale-while-revalidate} and {@code stale-if-error}, the largest {@code min-fresh}.
 *   </li>
 *   <li>{@code no-cache} and {@code private} with field names are treated as their unqualified forms (stricter than
 *       required, never wrong). Boolean directives ignore any argument.</li>
 * </ul>
 *
 * <p>Duration components are in seconds. Instances are immutable and thread-safe.
 *
 * @param maxAge               {@code max-age}
 * @param sMaxAge              {@code s-maxage} (response only)
 * @param maxStale             {@code max-stale} (request only); {@link #UNLIMITED} when given without a value
 * @param minFresh             {@code min-fresh} (request only)
 * @param staleWhileRevalidate {@code stale-while-revalidate} (RFC 5861 §3)
 * @param staleIfError         {@code stale-if-error} (RFC 5861 §4; request or response)
 * @param noStore              {@code no-store}
 * @param noCache              {@code no-cache}, qualified or not; for requests also {@code Pragma: no-cache}
 * @param isPrivate            {@code private}, qualified or not
 * @param isPublic             {@code public}
 * @param mustRevalidate       {@code must-revalidate}
 * @param proxyRevalidate      {@code proxy-revalidate}
 * @param onlyIfCached         {@code only-if-cached} (request only)
 * @param noTransform          {@code no-transform}
 * @param immutable            {@code immutable} (RFC 8246)
 */
public record CacheControl(
    OptionalLong maxAge,
    OptionalLong sMaxAge,
    OptionalLong maxStale,
    OptionalLong minFresh,
    OptionalLong staleWhileRevalidate,
    OptionalLong staleIfError,
    boolean noStore,
    boolean noCache,
    boolean isPrivate,
    boolean isPublic,
    boolean mustRevalidate,
    boolean proxyRevalidate,
    boolean onlyIfCached,
    boolean noTransform,
    boolean immutable) {

    /** The value of {@link #maxStale()} for {@code max-stale} without an argument: any staleness is acceptable. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** No directives at all. */
    public static final CacheControl EMPTY = new CacheControl(OptionalLong.empty(), OptionalLong.empty(),
        OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
        false, false, false, false, false, false, false, false, false);

    /** Validates that no component is null and no duration is negative. */
    public CacheControl {
        requireDuration(maxAge, "maxAge");
        requireDuration(sMaxAge, "sMaxAge");
        requireDuration(maxStale, "maxStale");
        requireDuration(minFresh, "minFresh");
        requireDuration(staleWhileRevalidate, "staleWhileRevalidate");
        requireDuration(staleIfError, "staleIfError");
    }

    private static void requireDuration(OptionalLong seconds, String name) {
        Objects.requireNonNull(seconds, name);
        if (seconds.isPresent() && seconds.getAsLong() < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + seconds.getAsLong());
        }
    }

    /**
     * The request directives. When the request has no {@code Cache-Control} field at all, {@code Pragma: no-cache}
     * is honoured as {@code no-cache} (RFC 9111 §5.4).
     *
     * @param requestHeaders the request's headers, not modified
     * @return the parsed directives, {@link #EMPTY} when there are none
     */
    public static CacheControl ofRequest(HttpHeaders requestHeaders) {
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        if (!requestHeaders.contains(HttpHeaderNames.CACHE_CONTROL)) {
            for (String member : FieldValues.splitList(FieldValues.combined(requestHeaders, HttpHeaderNames.PRAGMA))) {
                if (member.equalsIgnoreCase("no-cache")) {
                    return new Builder().noCache().build();
                }
            }
            return EMPTY;
        }
        return parse(FieldValues.combined(requestHeaders, HttpHeaderNames.CACHE_CONTROL));
    }

    /**
     * The response directives ({@code Pragma} is ignored in responses).
     *
     * @param responseHeaders the response's headers, not modified
     * @return the parsed directives, {@link #EMPTY} when there are none
     */
    public static CacheControl ofResponse(HttpHeaders responseHeaders) {
        Objects.requireNonNull(responseHeaders, "responseHeaders");
        return parse(FieldValues.combined(responseHeaders, HttpHeaderNames.CACHE_CONTROL));
    }

    /**
     * Parses one combined {@code Cache-Control} field value.
     *
     * @param value the field value, never null; junk is ignored as described in the class documentation
     * @return the parsed directives
     */
    public static CacheControl parse(String value) {
        Objects.requireNonNull(value, "value");
        Builder b = new Builder();
        int i = 0;
        int len = value.length();
        while (i < len) {
            // Skip separators and whitespace before a directive.
            char c = value.charAt(i);
            if (c == ',' || FieldValues.isOws(c)) {
                i++;
                continue;
            }
            int nameStart = i;
            while (i < len && FieldValues.isTchar(value.charAt(i))) {
                i++;
            }
            String name = value.substring(nameStart, i);
            i = skipOws(value, i);
            String arg = null;
            boolean malformed = name.isEmpty();
            if (i < len && value.charAt(i) == '=') {
                i = skipOws(value, i + 1);
                if (i < len && value.charAt(i) == '"') {
                    StringBuilder sb = new StringBuilder();
                    i++;
                    boolean closed = false;
                    while (i < len) {
                        char q = value.charAt(i++);
                        if (q == '"') {
                            closed = true;
                            break;
                        }
                        if (q == '\\' && i < len) {
                            q = value.charAt(i++);
                        }
                        sb.append(q);
                    }
                    malformed |= !closed;
                    arg = sb.toString();
                } else {
                    int argStart = i;
                    while (i < len && FieldValues.isTchar(value.charAt(i))) {
                        i++;
                    }
                    arg = value.substring(argStart, i);
                }
                i = skipOws(value, i);
            }
            if (i < len && value.charAt(i) != ',') {
                // Junk after the directive: it is malformed; resynchronise on the next comma outside quotes.
                malformed = true;
                i = nextComma(value, i);
            }
            if (!name.isEmpty()) {
                b.directive(name.toLowerCase(Locale.ROOT), malformed ? null : arg, malformed);
            }
        }
        return b.build();
    }

    private static int skipOws(String s, int i) {
        while (i < s.length() && FieldValues.isOws(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int nextComma(String s, int i) {
        boolean quoted = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                return i;
            }
        }
        return i;
    }

    /** Mutable accumulator used only during parsing. */
    private static final class Builder {
        private long maxAge = -1;
        private long sMaxAge = -1;
        private long maxStale = -1;
        private long minFresh = -1;
        private long staleWhileRevalidate = -1;
        private long staleIfError = -1;
        private boolean noStore;
        private boolean noCache;
        private boolean isPrivate;
        private boolean isPublic;
        private boolean mustRevalidate;
        private boolean proxyRevalidate;
        private boolean onlyIfCached;
        private boolean noTransform;
        private boolean immutable;

        Builder noCache() {
            noCache = true;
            return this;
        }

        /**
         * Records one directive.
         *
         * @param arg the unquoted argument, or null when absent or when the directive was malformed
         */
        void directive(String name, String arg, boolean malformed) {
            long seconds = arg == null ? -1 : FieldValues.parseDeltaSeconds(arg);
            switch (name) {
                // Invalid freshness information means stale (RFC 9111 §4.2.1).
                case "max-age" -> maxAge = min(maxAge, Math.max(seconds, 0));
                case "s-maxage" -> sMaxAge = min(sMaxAge, Math.max(seconds, 0));
                case "max-stale" -> {
                    if (arg == null && !malformed) {
                        maxStale = min(maxStale, UNLIMITED);
                    } else if (seconds >= 0) {
                        maxStale = min(maxStale, seconds);
                    }
                }
                case "min-fresh" -> minFresh = seconds >= 0 ? Math.max(minFresh, seconds) : minFresh;
                case "stale-while-revalidate" ->
                    staleWhileRevalidate = seconds >= 0 ? min(staleWhileRevalidate, seconds) : staleWhileRevalidate;
                case "stale-if-error" -> staleIfError = seconds >= 0 ? min(staleIfError, seconds) : staleIfError;
                case "no-store" -> noStore = true;
                case "no-cache" -> noCache = true;
                case "private" -> isPrivate = true;
                case "public" -> isPublic = true;
                case "must-revalidate" -> mustRevalidate = true;
                case "proxy-revalidate" -> proxyRevalidate = true;
                case "only-if-cached" -> onlyIfCached = true;
                case "no-transform" -> noTransform = true;
                case "immutable" -> immutable = true;
                default -> {
                    // Unknown extension directives are ignored (RFC 9111 §5.2.3).
                }
            }
        }

        /** Minimum where -1 means "not set yet". */
        private static long min(long current, long candidate) {
            return current < 0 ? candidate : Math.min(current, candidate);
        }

        private static OptionalLong opt(long v) {
            return v < 0 ? OptionalLong.empty() : OptionalLong.of(v);
        }

        CacheControl build() {
            return new CacheControl(opt(maxAge), opt(sMaxAge), opt(maxStale), opt(minFresh),
                opt(staleWhileRevalidate), opt(staleIfError), noStore, noCache, isPrivate, isPublic, mustRevalidate,
                proxyRevalidate, onlyIfCached, noTransform, immutable);
        }
    }
}
