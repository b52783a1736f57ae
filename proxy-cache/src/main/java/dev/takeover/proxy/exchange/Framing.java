package dev.takeover.proxy.exchange;

/** How a reply's body is delimited on the wire. */
public enum Framing {
    /** No body: HEAD, 204, 304, 416. */
    NONE,
    /** {@code Content-Length}: the body is sent as is. */
    LENGTH,
    /**
     * Chunked, with every chunk exactly {@link ReplyWriter#CHUNK} body bytes except the last: chunk
     * boundaries depend only on body offsets, so a resumed response reproduces them.
     */
    CHUNKED,
    /** Length unknown and the client speaks HTTP/1.0: the body ends when the connection closes. */
    UNTIL_CLOSE
}
