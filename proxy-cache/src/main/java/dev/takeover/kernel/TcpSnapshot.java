package dev.takeover.kernel;

import java.util.Objects;

/**
 * What {@link TcpRepair#capture} read from a live connection: both sequence positions, the queues, the negotiated
 * options and the timestamp clock. Immutable.
 *
 * <p>Positions the proxy derives from it (all modulo 2^32, see {@link Seq}):
 * <ul>
 *   <li>initial send position for byte counting = {@code sendSeq - bytesAlreadyWrittenByApp}
 *       ({@link #sendSeqBefore}; 0 bytes right after accept). The first byte of a response then has sequence
 *       number initial + bytes written before it, with no further syscall.</li>
 *   <li>next byte the application will read = {@code recvSeq - unreadBytes} ({@link #readSeq}).</li>
 *   <li>acknowledged position = {@code sendSeq - unackedBytes} ({@link #ackedSeq}).</li>
 * </ul>
 *
 * @param sendSeq      the sequence number the kernel will give the next byte written ({@code write_seq})
 * @param recvSeq      the next sequence number expected from the client ({@code rcv_nxt})
 * @param unreadBytes  bytes received that the application has not read ({@code SIOCINQ})
 * @param unackedBytes bytes written that the client has not acknowledged ({@code SIOCOUTQ})
 * @param options      the negotiated options
 * @param timestamp    the socket's TCP timestamp clock ({@code TCP_TIMESTAMP}, milliseconds, unsigned 32-bit)
 * @param wallMillis   the wall-clock time (epoch milliseconds) read just before {@code timestamp}
 */
public record TcpSnapshot(long sendSeq, long recvSeq, int unreadBytes, int unackedBytes, TcpOptions options,
                          long timestamp, long wallMillis) {

    /** @throws IllegalArgumentException for a number out of range; {@link NullPointerException} for null options */
    public TcpSnapshot {
        Seq.require(sendSeq, "sendSeq");
        Seq.require(recvSeq, "recvSeq");
        if (unreadBytes < 0 || unackedBytes < 0) {
            throw new IllegalArgumentException("queue sizes must not be negative: unread " + unreadBytes
                    + ", unacked " + unackedBytes);
        }
        Objects.requireNonNull(options, "options");
        Seq.require(timestamp, "timestamp");
    }

    /** The sequence number of the next byte the application will read: {@code recvSeq - unreadBytes}. */
    public long readSeq() {
        return Seq.add(recvSeq, -unreadBytes);
    }

    /** The first sequence number the client has not acknowledged: {@code sendSeq - unackedBytes}. */
    public long ackedSeq() {
        return Seq.add(sendSeq, -unackedBytes);
    }

    /**
     * The sequence number of the application's first byte, given how many it had written when this was captured:
     * {@code sendSeq - bytesWritten}.
     *
     * @throws IllegalArgumentException for a negative count
     */
    public long sendSeqBefore(long bytesWritten) {
        if (bytesWritten < 0) {
            throw new IllegalArgumentException("bytesWritten must not be negative, got " + bytesWritten);
        }
        return Seq.add(sendSeq, -bytesWritten);
    }

    /**
     * The value to give a rebuilt socket's {@code TCP_TIMESTAMP} at {@code nowMillis}: the captured clock plus the
     * time since, plus {@code marginMillis}, so that the client's PAWS check never sees the clock go backwards.
     * The margin must cover the wall-clock skew between the node that captured and the node that rebuilds.
     *
     * @throws IllegalArgumentException for a negative margin
     */
    public long timestampAt(long nowMillis, long marginMillis) {
        if (marginMillis < 0) {
            throw new IllegalArgumentException("marginMillis must not be negative, got " + marginMillis);
        }
        return Seq.add(timestamp, Math.max(0, nowMillis - wallMillis) + marginMillis);
    }
}
