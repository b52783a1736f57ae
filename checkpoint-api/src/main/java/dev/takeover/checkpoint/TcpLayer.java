package dev.takeover.checkpoint;

/**
 * The TCP layer of a checkpoint: what a survivor needs to rebuild the socket with {@code TCP_REPAIR}. Read once at
 * accept (sequence starts, options, timestamp clock); afterwards the application's own byte counts locate every
 * position, so no further syscall is needed.
 *
 * <p><b>Positions.</b> {@link #sendStartSeq} and {@link #recvStartSeq} are the sequence numbers of byte 0 of each
 * stream, that is the initial sequence number + 1 (the SYN takes one number); this is what {@code TCP_QUEUE_SEQ}
 * reads in repair mode on a freshly accepted socket (receive side: {@code rcv_nxt} minus the unread bytes,
 * {@code SIOCINQ}). Every other position in a checkpoint is a 64-bit byte count since the connection started; this
 * layer alone converts between the two ({@link #sendSeq}, {@link #recvSeq}, {@link #sendBytes}, {@link #recvBytes}).
 *
 * <p><b>Options</b> are those negotiated in the handshake ({@code TCP_INFO}: {@code tcpi_options},
 * {@code tcpi_snd_wscale}, {@code tcpi_rcv_wscale}, {@code tcpi_snd_mss}); the rebuild passes exactly these to
 * {@code TCP_REPAIR_OPTIONS}, no more.
 *
 * @param sendStartSeq        sequence number of the first byte the proxy sends (ISN + 1)
 * @param recvStartSeq        sequence number of the first byte the client sends (client ISN + 1)
 * @param mss                 the send MSS, 1..65535
 * @param windowScaling       whether window scaling was negotiated
 * @param sendWindowScale     the shift applied to windows the client advertises ({@code snd_wscale}), 0..14; 0
 *                            when window scaling is off
 * @param recvWindowScale     the shift applied to windows the proxy advertises ({@code rcv_wscale}), 0..14; 0
 *                            when window scaling is off
 * @param sack                whether SACK was negotiated
 * @param timestamps          whether TCP timestamps were negotiated
 * @param timestampValue      the socket's timestamp clock ({@code TCP_TIMESTAMP}), an unsigned 32-bit value; 0
 *                            when timestamps are off
 * @param timestampWallMillis the wall-clock time (epoch millis) at which {@code timestampValue} was read, so a
 *                            survivor can advance the clock by the time elapsed (PAWS); -1 when timestamps are off
 * @param ackedSendBytes      the last send position known acknowledged by the client (byte count), or -1 when
 *                            unknown
 */
public record TcpLayer(int sendStartSeq, int recvStartSeq, int mss, boolean windowScaling, int sendWindowScale,
                       int recvWindowScale, boolean sack, boolean timestamps, int timestampValue,
                       long timestampWallMillis, long ackedSendBytes) implements LayerState {

    /** The largest window scale TCP allows (RFC 7323). */
    public static final int MAX_WINDOW_SCALE = 14;

    /** Marks an unknown {@link #ackedSendBytes}. */
    public static final long UNKNOWN = -1;

    /** @throws IllegalArgumentException if a value is out of its documented range */
    public TcpLayer {
        if (mss < 1 || mss > 65535) {
            throw new IllegalArgumentException("mss must be in 1..65535: " + mss);
        }
        checkScale("sendWindowScale", sendWindowScale);
        checkScale("recvWindowScale", recvWindowScale);
        if (!windowScaling && (sendWindowScale != 0 || recvWindowScale != 0)) {
            throw new IllegalArgumentException("window scales must be 0 when window scaling is off: send "
                    + sendWindowScale + ", recv " + recvWindowScale);
        }
        if (!timestamps && (timestampValue != 0 || timestampWallMillis != -1)) {
            throw new IllegalArgumentException(
                    "timestampValue must be 0 and timestampWallMillis -1 when timestamps are off");
        }
        if (timestamps && timestampWallMillis < 0) {
            throw new IllegalArgumentException("timestampWallMillis must be >= 0 when timestamps are on: "
                    + timestampWallMillis);
        }
        if (ackedSendBytes < UNKNOWN) {
            throw new IllegalArgumentException("ackedSendBytes must be >= 0 or -1 (unknown): " + ackedSendBytes);
        }
    }

    /** The sequence number of send position {@code bytes} (a byte count since the connection started). */
    public int sendSeq(long bytes) {
        return SeqNum.add(sendStartSeq, bytes);
    }

    /** The sequence number of receive position {@code bytes} (a byte count since the connection started). */
    public int recvSeq(long bytes) {
        return SeqNum.add(recvStartSeq, bytes);
    }

    /** The send position (byte count) of sequence number {@code seq}, taking the one nearest {@code near}. */
    public long sendBytes(int seq, long near) {
        return SeqNum.unwrap(sendStartSeq, seq, near);
    }

    /** The receive position (byte count) of sequence number {@code seq}, taking the one nearest {@code near}. */
    public long recvBytes(int seq, long near) {
        return SeqNum.unwrap(recvStartSeq, seq, near);
    }

    /** This layer with {@link #ackedSendBytes} replaced. */
    public TcpLayer withAckedSendBytes(long acked) {
        return new TcpLayer(sendStartSeq, recvStartSeq, mss, windowScaling, sendWindowScale, recvWindowScale, sack,
                timestamps, timestampValue, timestampWallMillis, acked);
    }

    private static void checkScale(String name, int scale) {
        if (scale < 0 || scale > MAX_WINDOW_SCALE) {
            throw new IllegalArgumentException(name + " must be in 0.." + MAX_WINDOW_SCALE + ": " + scale);
        }
    }
}
