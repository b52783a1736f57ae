package dev.takeover.cluster;

import dev.takeover.checkpoint.CheckpointCodec;
import dev.takeover.checkpoint.CheckpointFormatException;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One value of the checkpoint cache: a connection's checkpoint, the node claiming it, and what the write that
 * produced this value did, so every node's cache listener can tell a new checkpoint from a claim.
 *
 * <p>Stored as {@code byte[]} (see {@link #encode()}): Infinispan's default ProtoStream marshaller carries byte
 * arrays as they are, so the cache needs no marshalling configuration for our classes. Layout, big-endian:
 * <pre>
 *   u8  format (1)
 *   u8  change: 0 stored, 1 claimed, 2 released
 *   u8  flags: 1 = claimed (claimant follows), 2 = bundle mark follows
 *   [u16 length, UTF-8 claimant]
 *   [i64 bundle stamp, u16 index, u16 count, count x (u16 length, UTF-8 connection key)]
 *   u32 length, the checkpoint in {@link CheckpointCodec} form
 * </pre>
 *
 * @param checkpoint the connection's checkpoint
 * @param claimant   the node holding the claim, or null
 * @param change     what the write that stored this value did
 * @param bundle     for a value written by a bundle, its mark; else null
 */
record StoredEntry(ConnectionCheckpoint checkpoint, String claimant, Change change, BundleMark bundle) {

    private static final int FORMAT = 1;
    private static final int CLAIMED = 1;
    private static final int IN_BUNDLE = 2;

    /** What the write that produced a value did; listeners report only {@link #STORED}. */
    enum Change {
        /** A new checkpoint (putIfNewer or a bundle). */
        STORED,
        /** The same checkpoint, now claimed. */
        CLAIMED,
        /** The same checkpoint, claim released. */
        RELEASED
    }

    /**
     * Marks each entry written by one bundle, so that a listener can report the bundle's entries together and in
     * bundle order, whatever order a node applies them in.
     *
     * @param stamp   unique per bundle write
     * @param index   this entry's position in the bundle
     * @param members the connection keys of the bundle, in bundle order
     */
    record BundleMark(long stamp, int index, List<String> members) {
        BundleMark {
            members = List.copyOf(members);
            if (index < 0 || index >= members.size()) {
                throw new IllegalArgumentException("index " + index + " outside a bundle of " + members.size());
            }
        }
    }

    StoredEntry {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(change, "change");
        if (bundle != null && change != Change.STORED) {
            throw new IllegalArgumentException("only a stored checkpoint carries a bundle mark");
        }
    }

    /** A checkpoint just written, unclaimed. */
    static StoredEntry stored(ConnectionCheckpoint checkpoint, BundleMark bundle) {
        return new StoredEntry(checkpoint, null, Change.STORED, bundle);
    }

    /** This entry claimed by {@code node}. */
    StoredEntry claimedBy(String node) {
        return new StoredEntry(checkpoint, node, Change.CLAIMED, null);
    }

    /** This entry with its claim released. */
    StoredEntry released() {
        return new StoredEntry(checkpoint, null, Change.RELEASED, null);
    }

    byte[] encode() {
        byte[] body = CheckpointCodec.encode(checkpoint);
        byte[] claim = claimant == null ? null : claimant.getBytes(StandardCharsets.UTF_8);
        List<byte[]> keys = new ArrayList<>();
        int size = 3 + 4 + body.length;
        if (claim != null) {
            size += 2 + claim.length;
        }
        if (bundle != null) {
            size += 8 + 2 + 2;
            for (String m : bundle.members()) {
                byte[] k = m.getBytes(StandardCharsets.UTF_8);
                keys.add(k);
                size += 2 + k.length;
            }
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte) FORMAT).put((byte) change.ordinal())
                .put((byte) ((claim != null ? CLAIMED : 0) | (bundle != null ? IN_BUNDLE : 0)));
        if (claim != null) {
            putShortBytes(b, claim);
        }
        if (bundle != null) {
            b.putLong(bundle.stamp()).putShort((short) bundle.index()).putShort((short) keys.size());
            keys.forEach(k -> putShortBytes(b, k));
        }
        b.putInt(body.length).put(body);
        return b.array();
    }

    /**
     * @throws CheckpointFormatException if {@code bytes} is not an entry this class wrote
     */
    static StoredEntry decode(byte[] bytes) {
        return read(bytes, b -> {
            int changeIndex = b.get() & 0xff;
            if (changeIndex >= Change.values().length) {
                throw new CheckpointFormatException("unknown change " + changeIndex);
            }
            int flags = b.get() & 0xff;
            String claimant = (flags & CLAIMED) != 0 ? getShortString(b) : null;
            BundleMark bundle = null;
            if ((flags & IN_BUNDLE) != 0) {
                long stamp = b.getLong();
                int index = b.getShort() & 0xffff;
                int count = b.getShort() & 0xffff;
                List<String> members = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    members.add(getShortString(b));
                }
                bundle = new BundleMark(stamp, index, members);
            }
            byte[] body = new byte[b.getInt()];
            b.get(body);
            if (b.hasRemaining()) {
                throw new CheckpointFormatException(b.remaining() + " bytes after the stored entry");
            }
            return new StoredEntry(CheckpointCodec.decode(body), claimant, Change.values()[changeIndex], bundle);
        });
    }

    /**
     * What ordering and fencing decisions need of a stored value, read without decoding its checkpoint (see {@link
     * CheckpointCodec#head}: the checksum is not verified, so only for values of this node's own replica).
     *
     * @param claimant the node holding the claim, or null
     * @param version  the checkpoint's version
     * @param owner    the checkpoint's owner
     */
    record Head(String claimant, long version, String owner) {}

    /** @throws CheckpointFormatException if {@code bytes} is not an entry this class wrote */
    static Head head(byte[] bytes) {
        return read(bytes, b -> {
            b.get(); // change
            int flags = b.get() & 0xff;
            String claimant = (flags & CLAIMED) != 0 ? getShortString(b) : null;
            if ((flags & IN_BUNDLE) != 0) {
                b.position(b.position() + 8 + 2);
                int count = b.getShort() & 0xffff;
                for (int i = 0; i < count; i++) {
                    b.position(b.position() + 2 + (b.getShort(b.position()) & 0xffff));
                }
            }
            int length = b.getInt();
            CheckpointCodec.Head head = CheckpointCodec.head(bytes, b.position(), length);
            return new Head(claimant, head.version(), head.ownerNode());
        });
    }

    /**
     * Checks the format byte of {@code bytes} and reads the rest with {@code rest}; whatever goes wrong becomes a
     * {@link CheckpointFormatException}.
     */
    private static <T> T read(byte[] bytes, Function<ByteBuffer, T> rest) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            int format = b.get() & 0xff;
            if (format != FORMAT) {
                throw new CheckpointFormatException("unknown stored entry format " + format);
            }
            return rest.apply(b);
        } catch (RuntimeException e) {
            if (e instanceof CheckpointFormatException f) {
                throw f;
            }
            throw new CheckpointFormatException("malformed stored entry: " + e, e);
        }
    }

    /** Writes a u16 length and {@code bytes}; refuses more than 65 535 of them. Also the journal's rounds. */
    static void putShortBytes(ByteBuffer b, byte[] bytes) {
        if (bytes.length > 0xffff) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes is too long to store");
        }
        b.putShort((short) bytes.length).put(bytes);
    }

    /** Reads what {@link #putShortBytes} wrote, as UTF-8. */
    static String getShortString(ByteBuffer b) {
        byte[] bytes = new byte[b.getShort() & 0xffff];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
