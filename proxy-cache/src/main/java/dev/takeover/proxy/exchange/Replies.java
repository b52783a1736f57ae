package dev.takeover.proxy.exchange;

import dev.takeover.proxy.cache.BodyBuffer;
import dev.takeover.proxy.cache.CachedObject;
import dev.takeover.proxy.cache.policy.ByteRanges;
import dev.takeover.proxy.cache.policy.Conditionals;
import dev.takeover.proxy.cache.policy.Freshness;
import dev.takeover.proxy.cache.policy.HttpDates;
import dev.takeover.proxy.cache.policy.RangeDecision;
import dev.takeover.proxy.http.ResponseHead;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds replies: from a stored (or still filling) object, honouring the client's conditional and
 * range fields; and the proxy's own short error replies.
 *
 * <p>The header block of a reply from an object is the object's stored fields followed by, in this
 * order: the framing field ({@code Content-Length}, {@code Content-Range} or
 * {@code Transfer-Encoding}), {@code Age} when the reply comes from the cache, {@code X-Cache}, and
 * {@code Connection} when the connection closes (or stays open for an HTTP/1.0 client).
 */
public final class Replies {
    /** {@code X-Cache} values. */
    public static final String MISS = "MISS", HIT = "HIT", STALE = "STALE", REVALIDATED = "REVALIDATED",
            PASS = "PASS", ERROR = "ERROR";

    private static final AsciiString X_CACHE = AsciiString.cached("X-Cache");
    /** The fields a 304 repeats from the stored response (RFC 9110 §15.4.5), plus Last-Modified. */
    private static final List<AsciiString> NOT_MODIFIED_FIELDS = List.of(HttpHeaderNames.DATE, HttpHeaderNames.ETAG,
            HttpHeaderNames.CACHE_CONTROL, HttpHeaderNames.EXPIRES, HttpHeaderNames.VARY,
            HttpHeaderNames.CONTENT_LOCATION, HttpHeaderNames.LAST_MODIFIED);

    private Replies() {}

    /**
     * The reply to {@code ex} from {@code object}. Returns {@code null} if the object's body was freed
     * before a cursor could be opened on it (it was evicted): the caller treats that as a miss.
     */
    public static Reply fromObject(Exchange ex, CachedObject object, String cacheStatus, long nowMillis) {
        boolean head = ex.request().method().equals(HttpMethod.HEAD);
        BodyBuffer body = object.body();
        long length = body.knownLength();
        int status = object.status();
        boolean fromCache = cacheStatus.equals(HIT) || cacheStatus.equals(STALE);
        String etag = object.etag();
        long lastModified = object.lastModifiedEpochSec();
        long age = Freshness.ageHeaderSeconds(object.currentAgeMillis(nowMillis));

        if (status == 200 && Conditionals.notModified(ex.request().headers(), object.headers())) {
            ResponseHead h = ResponseHead.status(304, null);
            for (AsciiString name : NOT_MODIFIED_FIELDS) {
                for (String value : object.headers().getAll(name)) {
                    h.field(name, value);
                }
            }
            return finish(ex, h, 304, fromCache || age > 0 ? age : -1, cacheStatus, null, 0, Framing.NONE, false, -1,
                    new Reply.Representation(etag, lastModified, -1, -1, length));
        }
        if (status == 200 && !head && length >= 0) {
            RangeDecision range = ByteRanges.decide(ex.request().method(), ex.request().headers(), length,
                    object.headers());
            switch (range) {
                case RangeDecision.Partial(long first, long last) -> {
                    ResponseHead h = ResponseHead.status(206, null).fields(object.fieldBlock())
                            .field(HttpHeaderNames.CONTENT_RANGE, ByteRanges.contentRange(first, last, length))
                            .field(HttpHeaderNames.CONTENT_LENGTH, Long.toString(last - first + 1));
                    return finish(ex, h, 206, fromCache || age > 0 ? age : -1, cacheStatus, body, first,
                            Framing.LENGTH, false, last + 1, new Reply.Representation(etag, lastModified, first, last, length));
                }
                case RangeDecision.Unsatisfiable u -> {
                    ResponseHead h = ResponseHead.status(416, null)
                            .field(HttpHeaderNames.CONTENT_RANGE, ByteRanges.unsatisfiedRange(length))
                            .field(HttpHeaderNames.CONTENT_LENGTH, "0");
                    return finish(ex, h, 416, -1, cacheStatus, null, 0, Framing.NONE, false, -1,
                            new Reply.Representation(etag, lastModified, -1, -1, length));
                }
                case RangeDecision.Full f -> { }
            }
        }
        ResponseHead h = ResponseHead.status(status, object.reason()).fields(object.fieldBlock());
        boolean bodiless = head || status == 204 || status == 304 || status < 200;
        Framing framing;
        boolean mustClose = false;
        if (length >= 0) {
            if (status != 204 && status != 304) {
                h.field(HttpHeaderNames.CONTENT_LENGTH, Long.toString(length));
            }
            framing = bodiless ? Framing.NONE : Framing.LENGTH;
        } else if (bodiless) {
            framing = Framing.NONE;
        } else if (ex.isHttp10()) {
            framing = Framing.UNTIL_CLOSE;
            mustClose = true;
        } else {
            h.field(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
            framing = Framing.CHUNKED;
        }
        return finish(ex, h, status, fromCache || age > 0 ? age : -1, cacheStatus,
                framing == Framing.NONE ? null : body, 0, framing, mustClose, length,
                new Reply.Representation(etag, lastModified, -1, -1, length));
    }

    /**
     * The reply to a HEAD request answered by the origin: its fields, with the origin's
     * {@code Content-Length} kept, as the body it describes was never sent.
     */
    public static Reply headFromOrigin(Exchange ex, CachedObject object, String cacheStatus) {
        ResponseHead h = ResponseHead.status(object.status(), object.reason()).fields(object.fieldBlock());
        String length = object.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            h.field(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        return finish(ex, h, object.status(), -1, cacheStatus, null, 0, Framing.NONE, false, -1, null);
    }

    private static Reply finish(Exchange ex, ResponseHead h, int status, long age, String cacheStatus,
                                BodyBuffer body, long from, Framing framing, boolean mustClose, long end,
                                Reply.Representation source) {
        if (age >= 0) {
            h.field(HttpHeaderNames.AGE, Long.toString(age));
        }
        h.field(X_CACHE, cacheStatus);
        boolean close = mustClose || !ex.keepAlive();
        connection(h, ex, close);
        BodyBuffer.Cursor cursor = null;
        if (framing != Framing.NONE) {
            cursor = body.open(from);
            if (cursor == null) {
                return null;
            }
        }
        return new Reply(status, h.build(), cursor, framing == Framing.NONE ? -1 : end, framing, close, cacheStatus, source);
    }

    private static void connection(ResponseHead h, Exchange ex, boolean close) {
        if (close) {
            h.field(HttpHeaderNames.CONNECTION, "close");
        } else if (ex.isHttp10()) {
            h.field(HttpHeaderNames.CONNECTION, "keep-alive");
        }
    }

    /** A short plain-text error reply to {@code ex}; the connection stays open if the client wants it. */
    public static Reply error(Exchange ex, int status, String message) {
        return error(status, message, !ex.keepAlive(), ex.isHttp10());
    }

    /** A short plain-text error reply of the proxy's own. */
    public static Reply error(int status, String message, boolean close) {
        return error(status, message, close, false);
    }

    private static Reply error(int status, String message, boolean close, boolean http10) {
        byte[] text = (message + "\n").getBytes(StandardCharsets.UTF_8);
        ResponseHead h = ResponseHead.status(status, null)
                .field(HttpHeaderNames.DATE, HttpDates.format(System.currentTimeMillis()))
                .field(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .field(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .field(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(text.length))
                .field(X_CACHE, ERROR);
        if (close) {
            h.field(HttpHeaderNames.CONNECTION, "close");
        } else if (http10) {
            h.field(HttpHeaderNames.CONNECTION, "keep-alive");
        }
        BodyBuffer body = BodyBuffer.of(ByteBufAllocator.DEFAULT, text);
        BodyBuffer.Cursor cursor = body.open(0);
        body.release(); // the cursor holds the body now
        return new Reply(status, h.build(), cursor, text.length, Framing.LENGTH, close, ERROR, null);
    }
}
