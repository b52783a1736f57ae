package dev.takeover.proxy.cache.policy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The request fields a stored response was selected by: its {@code Vary} field (RFC 9111 §4.1), and the secondary
 * cache key those fields yield for a request.
 *
 * <p>Two requests match a stored response when their {@link #secondaryKey secondary keys} are equal. Values are
 * normalized as RFC 9111 §4.1 allows: field lines are combined, list members are trimmed and joined with ", ", and
 * empty members are dropped, so {@code gzip,br} equals {@code gzip, br}. (Whitespace around commas inside quoted
 * strings is normalized the same way: a harmless over-match for the fields that are varied on in practice.) An absent
 * field and a present but empty field give different keys.
 *
 * <p>Immutable and thread-safe; equality is by content.
 *
 * @param fieldNames the varied-on field names: lower-case, sorted, without duplicates; never {@code *}
 * @param wildcard   whether {@code Vary} listed {@code *}: such a response never matches a request and is not stored
 */
public record VarySpec(List<String> fieldNames, boolean wildcard) {

    /** A response without {@code Vary}. */
    public static final VarySpec NONE = new VarySpec(List.of(), false);

    /**
     * Normalizes the field names (lower-cased, sorted, deduplicated) so that equal specs are equal records.
     *
     * @throws IllegalArgumentException if a name is {@code *} or not an HTTP token
     */
    public VarySpec {
        Objects.requireNonNull(fieldNames, "fieldNames");
        TreeSet<String> names = new TreeSet<>();
        for (String name : fieldNames) {
            if (!FieldValues.isToken(name) || name.equals("*")) {
                throw new IllegalArgumentException("not a field name: '" + name + "'");
            }
            names.add(name.toLowerCase(Locale.ROOT));
        }
        fieldNames = List.copyOf(names);
    }

    /**
     * The spec of a response: the members of all its {@code Vary} lines. {@code *} sets {@link #wildcard()}; members
     * that are not tokens are ignored.
     *
     * @param responseHeaders the response's headers, not modified
     * @return the spec, {@link #NONE} without {@code Vary}
     */
    public static VarySpec of(HttpHeaders responseHeaders) {
        Objects.requireNonNull(responseHeaders, "responseHeaders");
        if (!responseHeaders.contains(HttpHeaderNames.VARY)) {
            return NONE;
        }
        List<String> names = new ArrayList<>();
        boolean wildcard = false;
        for (String member : FieldValues.splitList(FieldValues.combined(responseHeaders, HttpHeaderNames.VARY))) {
            if (member.equals("*")) {
                wildcard = true;
            } else if (FieldValues.isToken(member)) {
                names.add(member);
            }
        }
        return new VarySpec(names, wildcard);
    }

    /**
     * The secondary key of a request: for each varied-on field, in order, its name and normalized value or a marker
     * for absence. The encoding is unambiguous ({@code name=<length>:<value>;} or {@code name;} when absent), so
     * distinct value combinations never collide. The empty string when nothing is varied on.
     *
     * @param requestHeaders the request's headers, not modified
     * @return the key; requests with equal keys select the same stored response
     * @throws IllegalStateException if this is a {@code Vary: *} spec, which no request can match
     */
    public String secondaryKey(HttpHeaders requestHeaders) {
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        if (wildcard) {
            throw new IllegalStateException("Vary: * matches no request");
        }
        if (fieldNames.isEmpty()) {
            return "";
        }
        StringBuilder key = new StringBuilder();
        for (String name : fieldNames) {
            key.append(name);
            if (requestHeaders.contains(name)) {
                String value = String.join(", ", FieldValues.splitList(FieldValues.combined(requestHeaders, name)));
                key.append('=').append(value.length()).append(':').append(value);
            }
            key.append(';');
        }
        return key.toString();
    }
}
