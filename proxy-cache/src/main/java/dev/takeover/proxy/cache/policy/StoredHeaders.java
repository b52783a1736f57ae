package dev.takeover.proxy.cache.policy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Freshening a stored response with a 304 Not Modified (RFC 9111 §3.2, §4.3.4). Stateless and thread-safe.
 */
public final class StoredHeaders {

    /**
     * Fields of a 304 that never replace the stored ones, lower-case: they describe the stored content and its framing
     * ({@code Content-Length} per RFC 9111 §3.2; {@code Content-Encoding} and {@code Content-Range} describe the
     * bytes we hold; {@code Transfer-Encoding} is hop-by-hop anyway).
     */
    static final Set<String> KEPT = Set.of("content-length", "content-encoding", "transfer-encoding",
        "content-range");

    private StoredHeaders() {
    }

    /**
     * The stored headers updated with a 304's headers: every field present in the 304 replaces all stored lines of
     * that name, except the fields in {@link #KEPT} and the 304's hop-by-hop fields ({@link HopByHop}), which are
     * ignored. Fields the 304 does not mention are kept. The updated {@code Date} (and {@code Age}) mean the caller
     * must also record the 304's request and response times as the entry's new ones.
     *
     * <p>Call {@link #canUpdateFrom304} first: a 304 about another representation must not update this one.
     *
     * @param stored      the stored response's headers, not modified
     * @param notModified the 304's headers, not modified
     * @return a new, mutable {@link HttpHeaders}
     */
    public static HttpHeaders updateFrom304(HttpHeaders stored, HttpHeaders notModified) {
        Objects.requireNonNull(stored, "stored");
        Objects.requireNonNull(notModified, "notModified");
        HttpHeaders updated = stored.copy();
        Set<String> hopByHop = HopByHop.names(notModified);
        // Lower-cased names already replaced: the first 304 line of a name removes the stored lines, later ones add.
        Set<String> replaced = new HashSet<>();
        for (Map.Entry<String, String> field : notModified) {
            String lower = field.getKey().toLowerCase(Locale.ROOT);
            if (KEPT.contains(lower) || hopByHop.contains(lower)) {
                continue;
            }
            if (replaced.add(lower)) {
                updated.remove(field.getKey());
            }
            updated.add(field.getKey(), field.getValue());
        }
        return updated;
    }

    /**
     * Whether a 304 received while revalidating {@code stored} may update it (RFC 9111 §4.3.4, for one stored
     * response):
     * <ul>
     *   <li>a 304 with a strong {@code ETag} updates only a stored response with the same strong {@code ETag};</li>
     *   <li>a 304 with a weak {@code ETag} updates a stored response whose {@code ETag} matches by weak
     *       comparison;</li>
     *   <li>a 304 without {@code ETag} but with {@code Last-Modified} updates a stored response with an equal
     *       {@code Last-Modified}, or one without a valid {@code Last-Modified};</li>
     *   <li>a 304 with no validator updates: the cache's own conditional request was built from this stored
     *       response's validators, so the answer is about it (slightly more lenient than the RFC's last bullet, which
     *       would make some origins uncacheable).</li>
     * </ul>
     * An unparseable validator in the 304 counts as absent.
     *
     * @param stored      the stored response's headers
     * @param notModified the 304's headers
     * @return true if {@link #updateFrom304} may apply the 304 to {@code stored}
     */
    public static boolean canUpdateFrom304(HttpHeaders stored, HttpHeaders notModified) {
        Objects.requireNonNull(stored, "stored");
        Objects.requireNonNull(notModified, "notModified");
        EntityTag newTag = EntityTag.parse(notModified.get(HttpHeaderNames.ETAG));
        if (newTag != null) {
            EntityTag storedTag = EntityTag.parse(stored.get(HttpHeaderNames.ETAG));
            return storedTag != null && (newTag.weak() ? newTag.weakMatch(storedTag) : newTag.strongMatch(storedTag));
        }
        OptionalLong newModified = HttpDates.parse(notModified.get(HttpHeaderNames.LAST_MODIFIED));
        if (newModified.isPresent()) {
            OptionalLong storedModified = HttpDates.parse(stored.get(HttpHeaderNames.LAST_MODIFIED));
            return storedModified.isEmpty() || storedModified.getAsLong() == newModified.getAsLong();
        }
        return true;
    }
}
