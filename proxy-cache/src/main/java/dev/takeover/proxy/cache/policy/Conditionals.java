package dev.takeover.proxy.cache.policy;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Conditional requests against a stored response (RFC 9110 §13), in both directions: evaluating a client's
 * conditional {@code GET}/{@code HEAD} ({@link #notModified}), and building the preconditions of the cache's own
 * revalidation request ({@link #revalidationHeaders}, RFC 9111 §4.3.1).
 *
 * <p>Only {@code If-None-Match} and {@code If-Modified-Since} are evaluated; {@code If-Match} and
 * {@code If-Unmodified-Since} concern state-changing requests and are left to the origin. Stateless and thread-safe.
 */
public final class Conditionals {

    private Conditionals() {
    }

    /**
     * Whether a client's {@code GET}/{@code HEAD} should be answered with 304 from the stored response, following
     * the precedence of RFC 9110 §13.2.2:
     * <ol>
     *   <li>{@code If-None-Match}, if present and well-formed, decides alone (RFC 9110 §13.1.2): {@code *} matches
     *       the stored response; otherwise any listed tag equal to the stored {@code ETag} under weak comparison. A
     *       stored response without a valid {@code ETag} matches no list. A malformed field value (any member that
     *       is not an entity tag) is ignored as if absent.</li>
     *   <li>Else {@code If-Modified-Since} (RFC 9110 §13.1.3), if it is exactly one valid HTTP-date: not modified
     *       when the stored {@code Last-Modified} (or, lacking that, the stored {@code Date}) is not later than it.
     *       Dates have second precision. Ignored when invalid, when there are several field lines, or when the stored
     *       response has neither date.</li>
     *   <li>Otherwise false.</li>
     * </ol>
     * The caller applies this only to {@code GET}/{@code HEAD} and only to a response it would otherwise serve.
     *
     * @param requestHeaders the client's request headers
     * @param storedHeaders  the stored response's headers
     * @return true to answer 304 Not Modified, false to send the full response
     */
    public static boolean notModified(HttpHeaders requestHeaders, HttpHeaders storedHeaders) {
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        Objects.requireNonNull(storedHeaders, "storedHeaders");
        if (requestHeaders.contains(HttpHeaderNames.IF_NONE_MATCH)) {
            String value = FieldValues.combined(requestHeaders, HttpHeaderNames.IF_NONE_MATCH);
            if (FieldValues.trimOws(value).equals("*")) {
                return true;
            }
            List<EntityTag> tags = EntityTag.parseList(value);
            if (tags != null) {
                EntityTag stored = EntityTag.parse(storedHeaders.get(HttpHeaderNames.ETAG));
                return stored != null && tags.stream().anyMatch(stored::weakMatch);
            }
        }
        List<String> since = requestHeaders.getAll(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (since.size() != 1) {
            return false;
        }
        OptionalLong sinceMillis = HttpDates.parse(since.getFirst());
        if (sinceMillis.isEmpty()) {
            return false;
        }
        OptionalLong modified = HttpDates.parse(storedHeaders.get(HttpHeaderNames.LAST_MODIFIED));
        if (modified.isEmpty()) {
            modified = HttpDates.parse(storedHeaders.get(HttpHeaderNames.DATE));
        }
        return modified.isPresent() && modified.getAsLong() <= sinceMillis.getAsLong();
    }

    /**
     * The preconditions the cache adds to its own request when revalidating a stored response (RFC 9111 §4.3.1):
     * {@code If-None-Match} with the stored {@code ETag} when it is a valid entity tag, and {@code If-Modified-Since}
     * with the stored {@code Last-Modified} (verbatim) when it is a valid HTTP-date; both when both exist.
     *
     * @param storedHeaders the stored response's headers, not modified
     * @return new, mutable headers holding zero, one or two fields
     */
    public static HttpHeaders revalidationHeaders(HttpHeaders storedHeaders) {
        Objects.requireNonNull(storedHeaders, "storedHeaders");
        HttpHeaders out = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        EntityTag etag = EntityTag.parse(storedHeaders.get(HttpHeaderNames.ETAG));
        if (etag != null) {
            out.set(HttpHeaderNames.IF_NONE_MATCH, etag.toString());
        }
        String lastModified = storedHeaders.get(HttpHeaderNames.LAST_MODIFIED);
        if (HttpDates.parse(lastModified).isPresent()) {
            out.set(HttpHeaderNames.IF_MODIFIED_SINCE, FieldValues.trimOws(lastModified));
        }
        return out;
    }
}
