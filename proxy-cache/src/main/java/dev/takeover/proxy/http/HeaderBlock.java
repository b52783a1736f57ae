package dev.takeover.proxy.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Serializes header fields the way the proxy sends them: {@code Name: value CRLF}, names as the
 * origin spelled them, in the origin's order. Deterministic, so a header block can be rebuilt byte
 * for byte from the same stored fields.
 */
public final class HeaderBlock {
    /**
     * Fields never stored with an object: framing and per-connection fields, which each response
     * chooses for itself, and {@code Age} and {@code X-Cache}, which describe one response.
     */
    private static final Set<AsciiString> PER_RESPONSE = Set.of(
            AsciiString.cached("age"), AsciiString.cached("content-length"),
            AsciiString.cached("transfer-encoding"), AsciiString.cached("connection"),
            AsciiString.cached("keep-alive"), AsciiString.cached("proxy-connection"),
            AsciiString.cached("x-cache"), AsciiString.cached("content-range"));

    private HeaderBlock() {}

    /** The stored fields of an object, serialized, without the per-response ones. */
    public static byte[] storedFields(HttpHeaders headers) {
        ByteSink out = new ByteSink(256);
        for (var it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            if (!PER_RESPONSE.contains(AsciiString.of(e.getKey()).toLowerCase())) {
                out.field(e.getKey(), e.getValue());
            }
        }
        return out.toByteArray();
    }

    /** True for fields that {@link #storedFields} leaves out. */
    public static boolean isPerResponse(CharSequence name) {
        return PER_RESPONSE.contains(AsciiString.of(name).toLowerCase());
    }

    /** A growable byte array for header text; ISO-8859-1, as HTTP fields are octets. */
    static final class ByteSink {
        private byte[] bytes;
        private int size;

        ByteSink(int capacity) {
            bytes = new byte[capacity];
        }

        ByteSink ascii(CharSequence s) {
            int n = s.length();
            ensure(n);
            if (s instanceof AsciiString a) {
                a.copy(0, bytes, size, n);
            } else {
                for (int i = 0; i < n; i++) {
                    bytes[size + i] = (byte) s.charAt(i);
                }
            }
            size += n;
            return this;
        }

        ByteSink bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
            return this;
        }

        ByteSink field(CharSequence name, CharSequence value) {
            return ascii(name).ascii(": ").ascii(value).ascii("\r\n");
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(bytes, size);
        }

        @Override
        public String toString() {
            return new String(bytes, 0, size, StandardCharsets.ISO_8859_1);
        }
    }
}
