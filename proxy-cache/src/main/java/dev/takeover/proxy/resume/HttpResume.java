package dev.takeover.proxy.resume;

import dev.takeover.checkpoint.HttpLayer;
import dev.takeover.proxy.cache.BodyBuffer;
import dev.takeover.proxy.cache.CachedObject;
import dev.takeover.proxy.cache.ObjectStore;
import dev.takeover.proxy.cache.policy.HttpDates;
import dev.takeover.proxy.exchange.ChunkedLayout;
import dev.takeover.proxy.exchange.Framing;
import dev.takeover.proxy.exchange.Reply;
import dev.takeover.proxy.upstream.UpstreamClient;
import dev.takeover.proxy.upstream.UpstreamRequest;
import dev.takeover.proxy.upstream.UpstreamResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Resumes an HTTP response mid-stream on the node that took its connection over.
 *
 * <p>The client's acknowledgment fixes the offset into the response: {@code offset = ack −
 * response start}. The rest is the same byte stream the dead node would have sent: the remainder of
 * the checkpointed header block, then the body from the matching offset (for chunked bodies, from the
 * enclosing chunk of the {@link ChunkedLayout}). The body comes from the local cache when it holds
 * the same representation (same strong {@code ETag}, else same {@code Last-Modified}), otherwise from
 * the origin with {@code Range} and {@code If-Range}. If the origin's object changed ({@code If-Range}
 * fails and a 200 comes back), the connection is reset: two versions are never spliced.
 *
 * <p>A request the dead node had received but not begun to answer ({@link HttpLayer.Requested}) is answered from
 * the start ({@link ResumePlan.Replay}), provided the client has no byte of a response to it.
 *
 * <p>Also reset: a client missing bytes of an earlier response (they cannot be regenerated), or one
 * that acknowledged more than was sent.
 */
public final class HttpResume {
    /** {@code X-Cache}-style label of a resumed reply, for the access log. */
    public static final String RESUMED = "RESUMED";

    private final ObjectStore store;
    private final UpstreamClient upstream;

    public HttpResume(ObjectStore store, UpstreamClient upstream) {
        this.store = store;
        this.upstream = upstream;
    }

    /** Decides how the connection goes on; completes normally, with a {@link ResumePlan.Reset} on any failure. */
    public CompletableFuture<ResumePlan> plan(ResumePoint point) {
        return switch (point.checkpoint().http()) {
            case HttpLayer.Idle idle -> atExactly(point, idle.sentBytes(), () -> new ResumePlan.Continue(null, false),
                    beyond -> "the client acknowledged more than was sent");
            case HttpLayer.Requested q -> atExactly(point, q.responseStartSendPos(),
                    () -> new ResumePlan.Replay(q.requestHead()),
                    beyond -> "the client has " + beyond + " bytes of a response that was never recorded");
            case HttpLayer.Responding r -> responding(point, r);
        };
    }

    /**
     * Between responses the client must have received exactly {@code sent} bytes: then {@code plan}; else a reset,
     * saying whether it misses bytes of an earlier response or has more than {@code sent} ({@code beyond} words it).
     */
    private static CompletableFuture<ResumePlan> atExactly(ResumePoint point, long sent, Supplier<ResumePlan> plan,
                                                           LongFunction<String> beyond) {
        long acked = point.sendPosition();
        return CompletableFuture.completedFuture(acked == sent ? plan.get() : new ResumePlan.Reset(acked < sent
                ? "the client is missing " + (sent - acked) + " bytes of an earlier response"
                : beyond.apply(acked - sent)));
    }

    private CompletableFuture<ResumePlan> responding(ResumePoint point, HttpLayer.Responding r) {
        long offset = point.sendPosition() - r.responseStartSendPos();
        byte[] head = r.headerBlock();
        if (offset < 0) {
            return reset("the client is missing " + -offset + " bytes of the previous response");
        }
        boolean bodiless = r.bodyLength() == 0 && !r.chunked();
        long knownWire = r.chunked() || r.bodyLength() < 0 ? -1 : head.length + r.bodyLength();
        if (knownWire >= 0 && offset >= knownWire) {
            return offset == knownWire ? CompletableFuture.completedFuture(new ResumePlan.Continue(null, !r.keepAlive()))
                    : reset("the client acknowledged more than was sent");
        }
        if (bodiless) {
            return CompletableFuture.completedFuture(new ResumePlan.Continue(
                    reply(r, head, null, -1, Framing.NONE, offset), !r.keepAlive()));
        }
        if (!r.chunked() && r.bodyLength() < 0) {
            return reset("a body delimited by the connection's close cannot be resumed");
        }
        // Where the body restarts (representation offset) and what of the framing the client already has.
        long repFirst = r.isRange() ? r.rangeFirst() : 0;
        long bodyWire = Math.max(0, offset - head.length);
        long bodyStart;
        long skip;
        if (r.chunked()) {
            ChunkedLayout.Position p = ChunkedLayout.locate(bodyWire, -1);
            bodyStart = p.bodyOffset();
            skip = Math.min(offset, head.length) + p.skip();
        } else {
            bodyStart = bodyWire;
            skip = Math.min(offset, head.length);
        }
        long repStart = repFirst + bodyStart;
        long repEnd = r.chunked() ? -1 : repFirst + r.bodyLength(); // exclusive; -1: to the end

        CachedObject local = store.lookup(r.target(), EmptyHttpHeaders.INSTANCE);
        if (local != null && sameRepresentation(local.headers(), r)) {
            BodyBuffer.Cursor cursor = local.body().open(repStart);
            if (cursor != null) {
                return CompletableFuture.completedFuture(new ResumePlan.Continue(
                        reply(r, head, cursor, repEnd, r.chunked() ? Framing.CHUNKED : Framing.LENGTH, skip), !r.keepAlive()));
            }
        }
        return fromOrigin(r, head, repStart, repEnd, skip);
    }

    private CompletableFuture<ResumePlan> fromOrigin(HttpLayer.Responding r, byte[] head, long repStart, long repEnd, long skip) {
        String validator = r.etag() != null && !r.etag().startsWith("W/") ? r.etag()
                : r.lastModifiedEpochSec() >= 0 ? HttpDates.format(r.lastModifiedEpochSec() * 1000) : null;
        if (validator == null) {
            return reset("no strong validator to ask the origin for the same object");
        }
        HttpHeaders headers = new DefaultHttpHeaders()
                .set(HttpHeaderNames.RANGE, "bytes=" + repStart + "-" + (repEnd < 0 ? "" : Long.toString(repEnd - 1)))
                .set(HttpHeaderNames.IF_RANGE, validator);
        return upstream.send(new UpstreamRequest(HttpMethod.GET, r.target(), headers, null)).handle((response, error) -> {
            if (error != null) {
                return new ResumePlan.Reset("the origin could not supply the rest: " + error.getMessage());
            }
            if (response.status() != 206 || !startsAt(response, repStart)) {
                response.body().release();
                return new ResumePlan.Reset(response.status() == 200
                        ? "the object changed at the origin (If-Range failed)"
                        : "the origin answered " + response.status() + " to the range request");
            }
            BodyBuffer.Cursor cursor = response.body().open(0);
            // A range is never stored: keep only what the client has yet to read, and let the buffer hold the
            // origin back (else thousands of resumed downloads buffer their whole rest in direct memory).
            response.body().stopRetaining();
            response.body().release();
            long end = repEnd < 0 ? -1 : repEnd - repStart;
            return new ResumePlan.Continue(reply(r, head, cursor, end, r.chunked() ? Framing.CHUNKED : Framing.LENGTH, skip),
                    !r.keepAlive());
        });
    }

    private static boolean startsAt(UpstreamResponse response, long repStart) {
        String range = response.headers().get(HttpHeaderNames.CONTENT_RANGE);
        return range != null && range.startsWith("bytes " + repStart + "-");
    }

    /** Same bytes: equal strong entity tags, or (without one) equal {@code Last-Modified}. */
    static boolean sameRepresentation(HttpHeaders stored, HttpLayer.Responding r) {
        String etag = stored.get(HttpHeaderNames.ETAG);
        if (r.etag() != null) {
            return !r.etag().startsWith("W/") && r.etag().equals(etag);
        }
        long lm = HttpDates.parse(stored.get(HttpHeaderNames.LAST_MODIFIED)).orElse(-1000) / 1000;
        return etag == null && r.lastModifiedEpochSec() >= 0 && lm == r.lastModifiedEpochSec();
    }

    private static Reply reply(HttpLayer.Responding r, byte[] head, BodyBuffer.Cursor cursor, long end, Framing framing,
                               long skip) {
        int status = head.length > 12 ? Integer.parseInt(new String(head, 9, 3, java.nio.charset.StandardCharsets.US_ASCII)) : 0;
        return new Reply(status, head, cursor, framing == Framing.NONE ? -1 : end, framing, !r.keepAlive(), RESUMED,
                new Reply.Representation(r.etag(), r.lastModifiedEpochSec(), r.rangeFirst(), r.rangeLast(), r.bodyLength()),
                skip);
    }

    private static CompletableFuture<ResumePlan> reset(String why) {
        return CompletableFuture.completedFuture(new ResumePlan.Reset(why));
    }
}
