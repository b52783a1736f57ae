package dev.takeover.checkpoint;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The HTTP layer of a checkpoint: {@link Idle} between requests, {@link Requested} while a received request waits for
 * its response to begin, or {@link Responding} while a response is being written. All positions are 64-bit byte
 * counts since the connection started (never sequence numbers; see {@link TcpLayer} for the conversion), so they stay
 * unambiguous past 4 GiB.
 */
public sealed interface HttpLayer extends LayerState permits HttpLayer.Idle, HttpLayer.Requested, HttpLayer.Responding {

    /** Marks an absent or unknown {@code long} field. */
    long ABSENT = -1;

    /**
     * Between requests: every response byte has been written; no request is being answered.
     * A fresh connection is {@code Idle(0, 0, 0)}.
     *
     * @param receivedBytes  the receive position through the last request answered: bytes of a request received
     *                       but not yet answered are not counted, so a survivor never acknowledges a request it
     *                       cannot answer
     * @param sentBytes      bytes sent to the client so far
     * @param requestsServed responses completed on this connection
     */
    record Idle(long receivedBytes, long sentBytes, int requestsServed) implements HttpLayer {

        /** @throws IllegalArgumentException if a value is negative */
        public Idle {
            if (receivedBytes < 0 || sentBytes < 0 || requestsServed < 0) {
                throw new IllegalArgumentException("Idle values must be >= 0: received " + receivedBytes
                        + ", sent " + sentBytes + ", requests " + requestsServed);
            }
        }
    }

    /**
     * A request received whose response has not begun. Written when a request arrives that cannot be answered at once
     * (a cache miss waits for the origin), so that a survivor answers it from the start instead of resetting it: the
     * client's request is recorded, and no byte of its response has been sent. Only requests without a body qualify,
     * so {@code requestHead} is the whole request.
     *
     * @param requestEndReceivePos bytes received through the end of this request
     * @param responseStartSendPos bytes sent before this request's response: every earlier response is complete
     * @param requestsServed       responses completed on this connection before this request
     * @param requestHead          the request line and header fields through the empty line, as this node parsed
     *                             them (regenerated: not necessarily the client's exact bytes, so a survivor replays
     *                             it into its own parser, never onto the wire); not empty; the record keeps a copy
     */
    record Requested(long requestEndReceivePos, long responseStartSendPos, int requestsServed, byte[] requestHead)
            implements HttpLayer {

        /**
         * @throws NullPointerException     if {@code requestHead} is null
         * @throws IllegalArgumentException if a value is negative or {@code requestHead} is empty
         */
        public Requested {
            Objects.requireNonNull(requestHead, "requestHead");
            if (requestEndReceivePos < 0 || responseStartSendPos < 0 || requestsServed < 0) {
                throw new IllegalArgumentException("Requested values must be >= 0: requestEnd " + requestEndReceivePos
                        + ", responseStart " + responseStartSendPos + ", requests " + requestsServed);
            }
            if (requestHead.length == 0) {
                throw new IllegalArgumentException("requestHead must not be empty");
            }
            requestHead = requestHead.clone();
        }

        /** A copy of the request head (the record never exposes its own array). */
        @Override
        public byte[] requestHead() {
            return requestHead.clone();
        }

        /** Raw access for the codec, avoiding a copy. */
        byte[] requestHeadUnsafe() {
            return requestHead;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Requested r && requestEndReceivePos == r.requestEndReceivePos
                    && responseStartSendPos == r.responseStartSendPos && requestsServed == r.requestsServed
                    && Arrays.equals(requestHead, r.requestHead);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hash(requestEndReceivePos, responseStartSendPos, requestsServed)
                    + Arrays.hashCode(requestHead);
        }

        @Override
        public String toString() {
            int line = 0;
            while (line < requestHead.length && requestHead[line] != '\r') {
                line++;
            }
            return "Requested[requestEndReceivePos=" + requestEndReceivePos + ", responseStartSendPos="
                    + responseStartSendPos + ", requestsServed=" + requestsServed + ", requestHead=" + requestHead.length
                    + " bytes \"" + new String(requestHead, 0, line, java.nio.charset.StandardCharsets.ISO_8859_1) + "\"]";
        }
    }

    /**
     * A response in progress. Written before the response's first byte; enough to resume the response byte for byte
     * from any offset: the survivor regenerates {@code headerBlock} followed by the body of {@code target} (or its
     * range) and skips to where the client's acknowledgment says it stands.
     *
     * @param requestEndReceivePos bytes received through the end of this request (the receive position after it)
     * @param responseStartSendPos bytes sent before this response's first byte
     * @param headerBlock          the exact bytes of the response's status line and header block, through the empty
     *                             line; not empty; the record keeps its own copy
     * @param method               the request method, e.g. {@code GET}
     * @param target               the request target as received, e.g. {@code /videos/a.mp4?x=1}
     * @param version              the request's HTTP version
     * @param etag                 the representation's entity tag as sent (with quotes and any {@code W/}), or
     *                             {@code null} when absent
     * @param lastModifiedEpochSec the representation's Last-Modified in epoch seconds, or -1 when absent
     * @param rangeFirst           first byte of the served range, or -1 for the full representation
     * @param rangeLast            last byte of the served range (inclusive), or -1 for the full representation
     * @param bodyLength           the number of body bytes this response carries (its Content-Length), or -1 when
     *                             unknown (chunked or delimited by close)
     * @param chunked              whether the body is sent with chunked transfer coding
     * @param keepAlive            whether the connection stays open after this response
     * @param bodyBytesConfirmed   body bytes known to be sent, refreshed periodically so that positions stay
     *                             unambiguous for bodies over 4 GiB; -1 when not yet recorded
     */
    record Responding(long requestEndReceivePos, long responseStartSendPos, byte[] headerBlock, String method,
                      String target, HttpVersion version, String etag, long lastModifiedEpochSec, long rangeFirst,
                      long rangeLast, long bodyLength, boolean chunked, boolean keepAlive, long bodyBytesConfirmed)
            implements HttpLayer {

        /**
         * @throws NullPointerException     if a non-nullable reference is {@code null}
         * @throws IllegalArgumentException if a value is out of its documented range
         */
        public Responding {
            Objects.requireNonNull(headerBlock, "headerBlock");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(version, "version");
            if (requestEndReceivePos < 0 || responseStartSendPos < 0) {
                throw new IllegalArgumentException("positions must be >= 0: requestEnd " + requestEndReceivePos
                        + ", responseStart " + responseStartSendPos);
            }
            if (headerBlock.length == 0) {
                throw new IllegalArgumentException("headerBlock must not be empty");
            }
            if (method.isEmpty() || target.isEmpty()) {
                throw new IllegalArgumentException("method and target must not be empty");
            }
            if (lastModifiedEpochSec < ABSENT) {
                throw new IllegalArgumentException("lastModifiedEpochSec must be >= 0 or -1: " + lastModifiedEpochSec);
            }
            boolean fullBody = rangeFirst == ABSENT && rangeLast == ABSENT;
            if (!fullBody && (rangeFirst < 0 || rangeLast < rangeFirst)) {
                throw new IllegalArgumentException("range must be both -1 or 0 <= first <= last: "
                        + rangeFirst + "-" + rangeLast);
            }
            if (bodyLength < ABSENT) {
                throw new IllegalArgumentException("bodyLength must be >= 0 or -1: " + bodyLength);
            }
            if (chunked && bodyLength != ABSENT) {
                throw new IllegalArgumentException("a chunked body has no known length: " + bodyLength);
            }
            if (bodyBytesConfirmed < ABSENT || (bodyLength >= 0 && bodyBytesConfirmed > bodyLength)) {
                throw new IllegalArgumentException("bodyBytesConfirmed must be -1 or in 0..bodyLength: "
                        + bodyBytesConfirmed);
            }
            headerBlock = headerBlock.clone();
        }

        /** A copy of the header block (the record never exposes its own array). */
        @Override
        public byte[] headerBlock() {
            return headerBlock.clone();
        }

        /** The header block's length, without copying it. */
        public int headerBlockLength() {
            return headerBlock.length;
        }

        /** Send position of the first body byte: response start + header block. */
        public long bodyStartSendPos() {
            return responseStartSendPos + headerBlock.length;
        }

        /** Whether a range of the representation is served (206) rather than all of it. */
        public boolean isRange() {
            return rangeFirst != ABSENT;
        }

        /** This checkpoint with {@link #bodyBytesConfirmed} advanced to {@code confirmed}. */
        public Responding withBodyBytesConfirmed(long confirmed) {
            return new Responding(requestEndReceivePos, responseStartSendPos, headerBlock, method, target, version,
                    etag, lastModifiedEpochSec, rangeFirst, rangeLast, bodyLength, chunked, keepAlive, confirmed);
        }

        /** Raw access for the codec, avoiding a copy. */
        byte[] headerBlockUnsafe() {
            return headerBlock;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Responding r
                    && requestEndReceivePos == r.requestEndReceivePos
                    && responseStartSendPos == r.responseStartSendPos
                    && Arrays.equals(headerBlock, r.headerBlock)
                    && method.equals(r.method)
                    && target.equals(r.target)
                    && version == r.version
                    && Objects.equals(etag, r.etag)
                    && lastModifiedEpochSec == r.lastModifiedEpochSec
                    && rangeFirst == r.rangeFirst
                    && rangeLast == r.rangeLast
                    && bodyLength == r.bodyLength
                    && chunked == r.chunked
                    && keepAlive == r.keepAlive
                    && bodyBytesConfirmed == r.bodyBytesConfirmed;
        }

        @Override
        public int hashCode() {
            int h = Objects.hash(requestEndReceivePos, responseStartSendPos, method, target, version, etag,
                    lastModifiedEpochSec, rangeFirst, rangeLast, bodyLength, chunked, keepAlive, bodyBytesConfirmed);
            return 31 * h + Arrays.hashCode(headerBlock);
        }

        @Override
        public String toString() {
            return "Responding[requestEndReceivePos=" + requestEndReceivePos
                    + ", responseStartSendPos=" + responseStartSendPos
                    + ", headerBlock=" + headerBlock.length + " bytes " + HexFormat.of().formatHex(headerBlock, 0,
                    Math.min(headerBlock.length, 32)) + (headerBlock.length > 32 ? "…" : "")
                    + ", method=" + method + ", target=" + target + ", version=" + version + ", etag=" + etag
                    + ", lastModifiedEpochSec=" + lastModifiedEpochSec + ", range=" + rangeFirst + "-" + rangeLast
                    + ", bodyLength=" + bodyLength + ", chunked=" + chunked + ", keepAlive=" + keepAlive
                    + ", bodyBytesConfirmed=" + bodyBytesConfirmed + "]";
        }
    }
}
