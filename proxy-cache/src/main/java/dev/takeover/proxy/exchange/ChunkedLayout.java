package dev.takeover.proxy.exchange;

/**
 * The wire layout of a chunked body as the proxy frames it (see {@link Framing#CHUNKED}): chunks of
 * exactly {@value #CHUNK} body bytes ({@code "4000\r\n" data "\r\n"}, {@value #FULL_CHUNK_WIRE}
 * bytes on the wire), a last shorter chunk, then {@code "0\r\n\r\n"}. Because it depends only on
 * body offsets, any node can tell where a wire offset falls and produce the rest of the stream.
 */
public final class ChunkedLayout {
    /** Body bytes per full chunk. */
    public static final int CHUNK = 16 * 1024;
    /** Wire bytes of a full chunk: size line, data, CRLF. */
    public static final int FULL_CHUNK_WIRE = Integer.toHexString(CHUNK).length() + 2 + CHUNK + 2;
    private static final int LAST_CHUNK_WIRE = 5; // "0\r\n\r\n"

    private ChunkedLayout() {}

    /**
     * Where a resumed chunked body starts: {@code bodyOffset}, a chunk boundary from which the writer
     * frames the body again, and {@code skip}, the wire bytes of that framing the client already has.
     */
    public record Position(long bodyOffset, long skip) {}

    /**
     * The position of wire offset {@code wireOffset} (counted from the first chunk's size line) in a
     * body of {@code bodyLength} bytes; {@code bodyLength} may be -1 while unknown, in which case the
     * offset must lie within the full chunks.
     */
    public static Position locate(long wireOffset, long bodyLength) {
        if (wireOffset < 0) {
            throw new IllegalArgumentException("wire offset must not be negative: " + wireOffset);
        }
        long chunk = wireOffset / FULL_CHUNK_WIRE;
        if (bodyLength >= 0) {
            long fullChunks = bodyLength / CHUNK;
            if (chunk > fullChunks) {
                chunk = fullChunks; // inside the last (short) chunk or the terminator
            }
            long max = wireLength(bodyLength);
            if (wireOffset > max) {
                throw new IllegalArgumentException("wire offset " + wireOffset + " is past the body's " + max + " wire bytes");
            }
        }
        return new Position(chunk * CHUNK, wireOffset - chunk * FULL_CHUNK_WIRE);
    }

    /** The wire bytes of a whole chunked body of {@code bodyLength} bytes, terminator included. */
    public static long wireLength(long bodyLength) {
        long full = bodyLength / CHUNK;
        long rest = bodyLength % CHUNK;
        long last = rest == 0 ? 0 : Long.toHexString(rest).length() + 2 + rest + 2;
        return full * FULL_CHUNK_WIRE + last + LAST_CHUNK_WIRE;
    }
}
