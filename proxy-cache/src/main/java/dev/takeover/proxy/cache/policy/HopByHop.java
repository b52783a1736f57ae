package dev.takeover.proxy.cache.policy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Hop-by-hop header fields (RFC 9110 §7.6.1), which a proxy must not forward or store (RFC 9111 §3.1).
 *
 * <p>They are {@code Connection}, every field named in {@code Connection}, and the fields that are hop-by-hop by
 * definition or by long practice: {@code Keep-Alive}, {@code Proxy-Connection}, {@code Proxy-Authenticate},
 * {@code Proxy-Authorization}, {@code TE}, {@code Trailer}, {@code Transfer-Encoding}, {@code Upgrade}.
 * Stateless and thread-safe.
 */
public final class HopByHop {

    /** The fields that are always hop-by-hop, lower-case. */
    static final Set<String> ALWAYS = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
        "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    private HopByHop() {
    }

    /**
     * A copy of {@code headers} without the hop-by-hop fields.
     *
     * @param headers the headers to filter, not modified
     * @return a new, mutable {@link HttpHeaders}
     */
    public static HttpHeaders strip(HttpHeaders headers) {
        Objects.requireNonNull(headers, "headers");
        HttpHeaders copy = headers.copy();
        for (String name : names(headers)) {
            copy.remove(name);
        }
        return copy;
    }

    /**
     * The lower-case names of all hop-by-hop fields of {@code headers}: {@link #ALWAYS} plus the tokens listed in its
     * {@code Connection} field lines (case-insensitive; non-token members ignored).
     */
    static Set<String> names(HttpHeaders headers) {
        List<String> listed = FieldValues.splitList(FieldValues.combined(headers, HttpHeaderNames.CONNECTION));
        if (listed.isEmpty()) {
            return ALWAYS;
        }
        Set<String> names = new HashSet<>(ALWAYS);
        for (String member : listed) {
            if (FieldValues.isToken(member)) {
                names.add(member.toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }
}
