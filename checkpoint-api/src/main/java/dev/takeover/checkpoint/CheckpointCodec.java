package dev.takeover.checkpoint;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The binary form of a {@link ConnectionCheckpoint}: compact (about 60 bytes plus its strings and header block), versioned
 * and checksummed. The layout is specified field by field in {@code checkpoint-api/FORMAT.md}; in short:
 * a format version byte, the checkpoint's own fields, one section per layer (IP, TCP, HTTP), and a CRC32C of
 * everything before it. Numbers that are usually small are unsigned LEB128 varints; sequence numbers, addresses and
 * ports have fixed widths.
 *
 * <p>Compatibility: a decoder reads every format version it knows ({@link #FORMAT_VERSION} and older); bytes of an
 * unknown version are rejected with a {@link CheckpointFormatException} naming it, never misread. A change of layout
 * takes a new version number; {@code src/test/resources/fixtures/checkpoint-v1.bin} must keep decoding.
 *
 * <p>Thread safety: stateless; all methods may be called concurrently.
 */
public final class CheckpointCodec {

    /** The format version this class writes. */
    public static final int FORMAT_VERSION = 2;
    /** The oldest format version this class reads. Version 1 is version 2 without the {@code requested} state. */
    public static final int OLDEST_READABLE_VERSION = 1;

    static final int TCP_WINDOW_SCALING = 1;
    static final int TCP_SACK = 1 << 1;
    static final int TCP_TIMESTAMPS = 1 << 2;

    static final int HTTP_IDLE = 0;
    static final int HTTP_RESPONDING = 1;
    static final int HTTP_REQUESTED = 2;

    static final int RESP_HTTP_1_1 = 1;
    static final int RESP_CHUNKED = 1 << 1;
    static final int RESP_KEEP_ALIVE = 1 << 2;
    static final int RESP_ETAG = 1 << 3;
    static final int RESP_RANGE = 1 << 4;

    private static final int CRC_BYTES = 4;

    private CheckpointCodec() {
    }

    /**
     * Encodes {@code checkpoint} in format {@link #FORMAT_VERSION}.
     *
     * @throws IllegalArgumentException if a string holds an unpaired surrogate (it could not be decoded to the same
     *                                  string)
     */
    public static byte[] encode(ConnectionCheckpoint checkpoint) {
        Writer w = new Writer(160 + switch (checkpoint.http()) {
            case HttpLayer.Responding r -> r.headerBlockLength() + r.target().length();
            case HttpLayer.Requested q -> q.requestHeadUnsafe().length;
            case HttpLayer.Idle idle -> 0;
        });
        w.u8(FORMAT_VERSION);
        w.varint(checkpoint.version());
        w.varint(checkpoint.checkpointTimeMillis());
        w.string(checkpoint.ownerNode());

        IpLayer ip = checkpoint.ip();
        w.bytes(ip.vip().getAddress());
        w.u16(ip.vipPort());
        w.bytes(ip.client().getAddress());
        w.u16(ip.clientPort());

        TcpLayer tcp = checkpoint.tcp();
        w.u32(tcp.sendStartSeq());
        w.u32(tcp.recvStartSeq());
        w.u16(tcp.mss());
        w.u8((tcp.windowScaling() ? TCP_WINDOW_SCALING : 0) | (tcp.sack() ? TCP_SACK : 0)
                | (tcp.timestamps() ? TCP_TIMESTAMPS : 0));
        w.u8(tcp.sendWindowScale() << 4 | tcp.recvWindowScale());
        if (tcp.timestamps()) {
            w.u32(tcp.timestampValue());
            w.varint(tcp.timestampWallMillis());
        }
        w.varint(tcp.ackedSendBytes() + 1); // -1 (unknown) becomes 0; Long.MAX_VALUE wraps to 2^63, unsigned

        switch (checkpoint.http()) {
            case HttpLayer.Idle idle -> {
                w.u8(HTTP_IDLE);
                w.varint(idle.receivedBytes());
                w.varint(idle.sentBytes());
                w.varint(idle.requestsServed());
            }
            case HttpLayer.Requested q -> {
                w.u8(HTTP_REQUESTED);
                w.varint(q.requestEndReceivePos());
                w.varint(q.responseStartSendPos());
                w.varint(q.requestsServed());
                byte[] head = q.requestHeadUnsafe();
                w.varint(head.length);
                w.bytes(head);
            }
            case HttpLayer.Responding r -> {
                w.u8(HTTP_RESPONDING);
                w.varint(r.requestEndReceivePos());
                w.varint(r.responseStartSendPos());
                w.u8((r.version() == HttpVersion.HTTP_1_1 ? RESP_HTTP_1_1 : 0)
                        | (r.chunked() ? RESP_CHUNKED : 0)
                        | (r.keepAlive() ? RESP_KEEP_ALIVE : 0)
                        | (r.etag() != null ? RESP_ETAG : 0)
                        | (r.isRange() ? RESP_RANGE : 0));
                w.string(r.method());
                w.string(r.target());
                if (r.etag() != null) {
                    w.string(r.etag());
                }
                w.varint(r.lastModifiedEpochSec() + 1);
                if (r.isRange()) {
                    w.varint(r.rangeFirst());
                    w.varint(r.rangeLast() - r.rangeFirst());
                }
                w.varint(r.bodyLength() + 1);
                w.varint(r.bodyBytesConfirmed() + 1);
                byte[] header = r.headerBlockUnsafe();
                w.varint(header.length);
                w.bytes(header);
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(w.buf, 0, w.pos);
        w.u32((int) crc.getValue());
        return w.toByteArray();
    }

    /**
     * Decodes bytes written by {@link #encode} in any format version this class knows.
     *
     * @throws CheckpointFormatException if {@code bytes} is empty, truncated, corrupt, has trailing bytes, is of an
     *                                   unknown format version, or holds values a checkpoint cannot have
     */
    public static ConnectionCheckpoint decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new CheckpointFormatException("empty input: not a checkpoint");
        }
        int format = bytes[0] & 0xff;
        if (format < OLDEST_READABLE_VERSION || format > FORMAT_VERSION) {
            throw new CheckpointFormatException("unknown checkpoint format version " + format
                    + " (this version reads " + OLDEST_READABLE_VERSION + " to " + FORMAT_VERSION + ")");
        }
        if (bytes.length < 1 + CRC_BYTES) {
            throw new CheckpointFormatException("truncated checkpoint: " + bytes.length + " bytes");
        }
        int bodyEnd = bytes.length - CRC_BYTES;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bodyEnd);
        int expected = (int) crc.getValue();
        int actual = ByteBuffer.wrap(bytes, bodyEnd, CRC_BYTES).getInt();
        if (expected != actual) {
            throw new CheckpointFormatException("corrupt or truncated checkpoint: checksum mismatch (computed "
                    + Integer.toHexString(expected) + ", stored " + Integer.toHexString(actual) + ")");
        }
        Reader r = new Reader(bytes, 1, bodyEnd);
        try {
            ConnectionCheckpoint c = decodeBody(r, format);
            if (r.pos != bodyEnd) {
                throw new CheckpointFormatException((bodyEnd - r.pos) + " unexpected bytes after the checkpoint");
            }
            return c;
        } catch (IllegalArgumentException | NullPointerException e) {
            // The checksum matched, so this is a writer bug or a deliberate forgery: values a record refuses.
            throw new CheckpointFormatException("invalid checkpoint: " + e.getMessage(), e);
        }
    }

    /**
     * The fields a checkpoint's encoding starts with: what ordering decisions need.
     *
     * @param version   {@link ConnectionCheckpoint#version()}
     * @param ownerNode {@link ConnectionCheckpoint#ownerNode()}
     */
    public record Head(long version, String ownerNode) {}

    /**
     * Reads the {@link Head} of an encoded checkpoint without decoding the rest. The checksum is <em>not</em>
     * verified: for bytes this process decoded or wrote before, such as the values of a store that checks what it
     * accepts, where a full decode per ordering check was most of the cost.
     *
     * @throws CheckpointFormatException if the bytes are too short or not of a known format version
     */
    public static Head head(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || offset > bytes.length - length) {
            throw new CheckpointFormatException("truncated checkpoint: " + length + " bytes at " + offset + " of "
                    + bytes.length);
        }
        Reader r = new Reader(bytes, offset, offset + length);
        int format = r.u8("format");
        if (format < OLDEST_READABLE_VERSION || format > FORMAT_VERSION) {
            throw new CheckpointFormatException("unknown checkpoint format version " + format);
        }
        long version = r.varint("version");
        r.varint("checkpointTimeMillis");
        return new Head(version, r.string("ownerNode"));
    }

    /** Versions 1 and 2 share the layout; version 1 lacks the requested state. */
    private static ConnectionCheckpoint decodeBody(Reader r, int format) {
        long version = r.varint("version");
        long time = r.varint("checkpointTimeMillis");
        String owner = r.string("ownerNode");

        Inet4Address vip = ConnectionId.ipv4(r.bytes(4, "vip"), 0);
        int vipPort = r.u16("vipPort");
        Inet4Address client = ConnectionId.ipv4(r.bytes(4, "client"), 0);
        int clientPort = r.u16("clientPort");
        IpLayer ip = new IpLayer(vip, vipPort, client, clientPort);

        int sendStart = r.u32("sendStartSeq");
        int recvStart = r.u32("recvStartSeq");
        int mss = r.u16("mss");
        int flags = r.u8("tcp flags");
        checkFlags(flags, TCP_WINDOW_SCALING | TCP_SACK | TCP_TIMESTAMPS, "tcp flags");
        int scales = r.u8("window scales");
        boolean timestamps = (flags & TCP_TIMESTAMPS) != 0;
        int tsVal = timestamps ? r.u32("timestampValue") : 0;
        long tsWall = timestamps ? r.varint("timestampWallMillis") : -1;
        long acked = r.optional("ackedSendBytes");
        TcpLayer tcp = new TcpLayer(sendStart, recvStart, mss, (flags & TCP_WINDOW_SCALING) != 0, scales >>> 4,
                scales & 0xf, (flags & TCP_SACK) != 0, timestamps, tsVal, tsWall, acked);

        int kind = r.u8("http state");
        HttpLayer http = switch (kind) {
            case HTTP_IDLE -> new HttpLayer.Idle(r.varint("receivedBytes"), r.varint("sentBytes"),
                    toInt(r.varint("requestsServed"), "requestsServed"));
            case HTTP_RESPONDING -> decodeResponding(r);
            case HTTP_REQUESTED -> {
                if (format < 2) {
                    throw new CheckpointFormatException("unknown http state " + kind + " in format version " + format);
                }
                long requestEnd = r.varint("requestEndReceivePos");
                long responseStart = r.varint("responseStartSendPos");
                int served = toInt(r.varint("requestsServed"), "requestsServed");
                int headLength = toInt(r.varint("requestHead length"), "requestHead length");
                yield new HttpLayer.Requested(requestEnd, responseStart, served, r.bytes(headLength, "requestHead"));
            }
            default -> throw new CheckpointFormatException("unknown http state " + kind);
        };
        return new ConnectionCheckpoint(owner, version, time, ip, tcp, http);
    }

    private static HttpLayer.Responding decodeResponding(Reader r) {
        long requestEnd = r.varint("requestEndReceivePos");
        long responseStart = r.varint("responseStartSendPos");
        int flags = r.u8("response flags");
        checkFlags(flags, RESP_HTTP_1_1 | RESP_CHUNKED | RESP_KEEP_ALIVE | RESP_ETAG | RESP_RANGE, "response flags");
        String method = r.string("method");
        String target = r.string("target");
        String etag = (flags & RESP_ETAG) != 0 ? r.string("etag") : null;
        long lastModified = r.optional("lastModifiedEpochSec");
        long rangeFirst = HttpLayer.ABSENT;
        long rangeLast = HttpLayer.ABSENT;
        if ((flags & RESP_RANGE) != 0) {
            rangeFirst = r.varint("rangeFirst");
            long span = r.varint("range length - 1");
            if (span > Long.MAX_VALUE - rangeFirst) {
                throw new CheckpointFormatException("range overflows: " + rangeFirst + " + " + span);
            }
            rangeLast = rangeFirst + span;
        }
        long bodyLength = r.optional("bodyLength");
        long confirmed = r.optional("bodyBytesConfirmed");
        int headerLength = toInt(r.varint("headerBlock length"), "headerBlock length");
        byte[] header = r.bytes(headerLength, "headerBlock");
        return new HttpLayer.Responding(requestEnd, responseStart, header, method, target,
                (flags & RESP_HTTP_1_1) != 0 ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0, etag, lastModified,
                rangeFirst, rangeLast, bodyLength, (flags & RESP_CHUNKED) != 0, (flags & RESP_KEEP_ALIVE) != 0,
                confirmed);
    }

    private static void checkFlags(int flags, int known, String what) {
        if ((flags & ~known) != 0) {
            throw new CheckpointFormatException(what + " has unknown bits: 0x" + Integer.toHexString(flags));
        }
    }

    private static int toInt(long v, String field) {
        if (v > Integer.MAX_VALUE) {
            throw new CheckpointFormatException(field + " too large: " + v);
        }
        return (int) v;
    }

    /** A growable big-endian writer; fields are never negative where varints are used. */
    private static final class Writer {
        byte[] buf;
        int pos;

        Writer(int capacity) {
            buf = new byte[capacity];
        }

        void ensure(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        void u8(int v) {
            ensure(1);
            buf[pos++] = (byte) v;
        }

        void u16(int v) {
            ensure(2);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        }

        void u32(int v) {
            ensure(4);
            buf[pos++] = (byte) (v >>> 24);
            buf[pos++] = (byte) (v >>> 16);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        }

        /**
         * Unsigned LEB128 of {@code v}'s 64 bits: 7 bits per byte, low group first, high bit set on all but the
         * last byte.
         */
        void varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        void string(String s) {
            byte[] utf8;
            try {
                ByteBuffer bb = StandardCharsets.UTF_8.newEncoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .encode(CharBuffer.wrap(s));
                utf8 = Arrays.copyOfRange(bb.array(), bb.arrayOffset() + bb.position(),
                        bb.arrayOffset() + bb.limit());
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("string is not valid Unicode (unpaired surrogate?): " + s, e);
            }
            varint(utf8.length);
            bytes(utf8);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /** A bounds-checked reader: every overrun is a {@link CheckpointFormatException} naming the field. */
    private static final class Reader {
        final byte[] buf;
        int pos;
        final int end;

        Reader(byte[] buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        private void need(int n, String field) {
            if (n < 0 || n > end - pos) {
                throw new CheckpointFormatException("truncated checkpoint: " + field + " needs " + n
                        + " bytes, " + (end - pos) + " left");
            }
        }

        int u8(String field) {
            need(1, field);
            return buf[pos++] & 0xff;
        }

        int u16(String field) {
            need(2, field);
            int v = (buf[pos] & 0xff) << 8 | (buf[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        int u32(String field) {
            need(4, field);
            int v = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8
                    | (buf[pos + 3] & 0xff);
            pos += 4;
            return v;
        }

        /** A varint holding a non-negative long. */
        long varint(String field) {
            long v = varint64(field);
            if (v < 0) {
                throw new CheckpointFormatException(field + ": value exceeds 63 bits");
            }
            return v;
        }

        /** A field that may be -1: stored as the unsigned 64-bit varint of value + 1. */
        long optional(String field) {
            return varint64(field) - 1;
        }

        /** Unsigned LEB128 of at most 10 bytes (64 bits), canonical: no overlong form, no bits past 64. */
        private long varint64(String field) {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8(field);
                if (shift == 63 && b > 1) {
                    throw new CheckpointFormatException(field + ": varint exceeds 64 bits");
                }
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (b == 0 && shift > 0) {
                        throw new CheckpointFormatException(field + ": overlong varint");
                    }
                    return v;
                }
            }
            throw new CheckpointFormatException(field + ": varint exceeds 64 bits"); // unreachable: see shift 63
        }

        byte[] bytes(int n, String field) {
            need(n, field);
            byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return b;
        }

        String string(String field) {
            long length = varint(field + " length");
            need((int) Math.min(length, Integer.MAX_VALUE), field);
            try {
                String s = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(buf, pos, (int) length))
                        .toString();
                pos += (int) length;
                return s;
            } catch (CharacterCodingException e) {
                throw new CheckpointFormatException(field + " is not valid UTF-8", e);
            }
        }
    }
}
