package dev.takeover.proxy.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Builds one response's header block: the status line, stored fields, then the fields of this
 * response, then the empty line. The result is the exact bytes sent; a checkpoint can keep them.
 *
 * <pre>{@code
 * byte[] head = ResponseHead.status(200, "OK").fields(object.fieldBlock())
 *         .field("Content-Length", "1024").field("X-Cache", "HIT").build();
 * }</pre>
 */
public final class ResponseHead {
    private final HeaderBlock.ByteSink sink = new HeaderBlock.ByteSink(512);

    private ResponseHead(int status, String reason) {
        sink.ascii("HTTP/1.1 ").ascii(Integer.toString(status)).ascii(" ")
                .ascii(reason == null || reason.isEmpty() ? HttpResponseStatus.valueOf(status).reasonPhrase() : reason)
                .ascii("\r\n");
    }

    /** Starts a block with {@code HTTP/1.1 status reason}; a null or empty reason takes the standard phrase. */
    public static ResponseHead status(int status, String reason) {
        return new ResponseHead(status, reason);
    }

    /** Appends already serialized fields ({@link HeaderBlock#storedFields}). */
    public ResponseHead fields(byte[] serialized) {
        sink.bytes(serialized);
        return this;
    }

    public ResponseHead field(CharSequence name, CharSequence value) {
        sink.field(name, value);
        return this;
    }

    /** The complete block, ending with the empty line. */
    public byte[] build() {
        sink.ascii("\r\n");
        return sink.toByteArray();
    }
}
