package dev.takeover.proxy.cache.policy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Cache invalidation after state-changing requests (RFC 9111 §4.4).
 *
 * <p>Targets are returned as origin-form {@code path[?query]} strings, verbatim (no percent-decoding, no case or
 * dot-segment normalization) and without fragment; the caller maps them to its cache keys. Stateless and
 * thread-safe.
 */
public final class Invalidation {

    private Invalidation() {
    }

    /**
     * The targets whose stored responses must be invalidated after a response to {@code method}.
     *
     * <p>Empty for safe methods ({@code GET}, {@code HEAD}, {@code OPTIONS}, {@code TRACE}) and for statuses outside
     * 2xx/3xx. Otherwise, in order and without duplicates: the request target, then the {@code Location} and
     * {@code Content-Location} values. Each is taken when it is a path starting with a single {@code /} or an
     * absolute {@code http}/{@code https} URL (its path and query, {@code /} for an empty path). Other forms
     * (relative paths like {@code ../x}, network-path references {@code //host/x}, other schemes, {@code *}) are
     * ignored. An absolute URL's host is not compared with ours: this proxy fronts a single origin, and a wrong guess
     * only costs a cache miss.
     *
     * @param method          the request method
     * @param requestTarget   the request target as received (origin-form or absolute-form)
     * @param status          the response status code
     * @param responseHeaders the response's headers ({@code Location}, {@code Content-Location})
     * @return an immutable list, possibly empty
     */
    public static List<String> targetsToInvalidate(HttpMethod method, String requestTarget, int status,
                                                   HttpHeaders responseHeaders) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(requestTarget, "requestTarget");
        Objects.requireNonNull(responseHeaders, "responseHeaders");
        if (isSafe(method) || status < 200 || status >= 400) {
            return List.of();
        }
        List<String> targets = new ArrayList<>(3);
        addTarget(targets, requestTarget);
        addTarget(targets, responseHeaders.get(HttpHeaderNames.LOCATION));
        addTarget(targets, responseHeaders.get(HttpHeaderNames.CONTENT_LOCATION));
        return List.copyOf(targets);
    }

    /** Whether the method is safe (RFC 9110 §9.2.1) and therefore invalidates nothing. */
    static boolean isSafe(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)
            || HttpMethod.TRACE.equals(method);
    }

    private static void addTarget(List<String> targets, String reference) {
        String path = pathAndQuery(reference);
        if (path != null && !targets.contains(path)) {
            targets.add(path);
        }
    }

    /** The path and query of an absolute-path reference or an http(s) URL, without fragment; null otherwise. */
    static String pathAndQuery(String reference) {
        if (reference == null) {
            return null;
        }
        String ref = FieldValues.trimOws(reference);
        int hash = ref.indexOf('#');
        if (hash >= 0) {
            ref = ref.substring(0, hash);
        }
        if (ref.startsWith("/")) {
            return ref.startsWith("//") ? null : ref;
        }
        int authorityStart;
        if (ref.regionMatches(true, 0, "http://", 0, 7)) {
            authorityStart = 7;
        } else if (ref.regionMatches(true, 0, "https://", 0, 8)) {
            authorityStart = 8;
        } else {
            return null;
        }
        int pathStart = authorityStart;
        while (pathStart < ref.length() && ref.charAt(pathStart) != '/' && ref.charAt(pathStart) != '?') {
            pathStart++;
        }
        if (pathStart == authorityStart) {
            return null;
        }
        String rest = ref.substring(pathStart);
        return rest.startsWith("/") ? rest : "/" + rest;
    }
}
