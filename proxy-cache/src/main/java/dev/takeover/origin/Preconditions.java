package dev.takeover.origin;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.time.Instant;
import java.util.Date;

/**
 * Evaluates the validators of a GET or HEAD request against a {@link ServedObject} (RFC 9110, section 13).
 *
 * <p>Stateless; unparseable dates make their header count as absent, as RFC 9110 requires.
 */
final class Preconditions {

    private Preconditions() {
    }

    /**
     * Whether the client's copy is current, so the answer is 304: {@code If-None-Match} with weak comparison (or
     * {@code *}) when present, otherwise {@code If-Modified-Since}.
     */
    static boolean notModified(HttpHeaders headers, ServedObject object) {
        String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            return EntityTags.anyMatchesWeakly(ifNoneMatch, object.etag());
        }
        Instant since = httpDate(headers.get(HttpHeaderNames.IF_MODIFIED_SINCE));
        return since != null && !object.lastModified().isAfter(since);
    }

    /**
     * Whether a {@code Range} header may be honoured: true without {@code If-Range}, otherwise only if its strong
     * entity tag or exact date matches the object. A weak tag never matches.
     */
    static boolean rangeApplies(HttpHeaders headers, ServedObject object) {
        String ifRange = headers.get(HttpHeaderNames.IF_RANGE);
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.strip();
        if (value.startsWith("\"")) {
            return value.equals(object.etag());
        }
        if (value.startsWith("W/")) {
            return false;
        }
        Instant date = httpDate(value);
        return date != null && date.equals(object.lastModified());
    }

    /** Parses any of the three HTTP date formats; null when absent or invalid. */
    static Instant httpDate(String value) {
        if (value == null) {
            return null;
        }
        Date date = DateFormatter.parseHttpDate(value);
        return date == null ? null : date.toInstant();
    }
}
