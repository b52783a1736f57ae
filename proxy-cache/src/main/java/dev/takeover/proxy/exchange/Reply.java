package dev.takeover.proxy.exchange;

import dev.takeover.proxy.cache.BodyBuffer;
import java.util.Objects;

/**
 * One response, ready to write: its exact header block and, if it has a body, a cursor on the body
 * positioned at the first byte to send.
 *
 * <p>A reply owns its cursor: {@link ReplyWriter} closes it when done, and a reply that is never
 * written must be {@link #discard() discarded}.
 *
 * @param status      the status code, for the access log
 * @param head        the header block, byte for byte
 * @param body        the body from its first byte to send, or {@code null} for no body
 * @param end         the body offset after the last byte to send, or -1 for "until the body completes"
 * @param framing     how the body is delimited
 * @param close       whether the connection closes after this reply
 * @param cacheStatus the {@code X-Cache} value, for the access log
 * @param source      what the body is, for the checkpoint that lets another node resume it; null
 *                    for the proxy's own replies, which cannot be resumed elsewhere
 * @param skip        wire bytes of this reply the client already has (a reply resumed after a
 *                    takeover): the writer produces the same byte stream and leaves these out
 */
public record Reply(int status, byte[] head, BodyBuffer.Cursor body, long end, Framing framing,
                    boolean close, String cacheStatus, Representation source, long skip) {

    /** A reply sent from its first byte. */
    public Reply(int status, byte[] head, BodyBuffer.Cursor body, long end, Framing framing, boolean close,
                 String cacheStatus, Representation source) {
        this(status, head, body, end, framing, close, cacheStatus, source, 0);
    }

    /**
     * The stored representation a reply's body is cut from: enough for another node to find the same
     * bytes (in its cache, or from the origin by {@code Range} with {@code If-Range}).
     *
     * @param etag                 the strong or weak entity tag, or null
     * @param lastModifiedEpochSec {@code Last-Modified}, or -1
     * @param rangeFirst           first body byte of a 206, or -1 for the whole representation
     * @param rangeLast            last body byte of a 206, or -1
     * @param length               the representation's length, or -1 while unknown
     */
    public record Representation(String etag, long lastModifiedEpochSec, long rangeFirst, long rangeLast, long length) {}

    public Reply {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(framing, "framing");
        if (skip < 0) {
            throw new IllegalArgumentException("skip must not be negative: " + skip);
        }
        if ((body == null) != (framing == Framing.NONE)) {
            throw new IllegalArgumentException("a body needs framing and framing needs a body: " + framing);
        }
    }

    /** Frees the body cursor of a reply that will not be written. Idempotent. */
    public void discard() {
        if (body != null) {
            body.close();
        }
    }
}
