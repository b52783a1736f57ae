package dev.takeover.kernel;

import java.util.Objects;

/**
 * Everything {@link TcpRepair#rebuild} needs to recreate one connection on this node. Immutable; validated on
 * construction.
 *
 * <p>The sequence numbers come from the client's reply to the old-sequence ACK ({@link #afterReply}): the client's
 * acknowledgment is where sending resumes (everything before it arrived), the client's sequence number is where
 * receiving resumes. The caller decides beforehand whether that reply is acceptable (a client sequence beyond the
 * checkpointed read position means it sent bytes no checkpoint recorded).
 *
 * @param connection the connection, local side the virtual IP
 * @param sendSeq    the sequence number of the next byte this side sends ({@code write_seq}, {@code snd_una})
 * @param recvSeq    the next sequence number expected from the client ({@code rcv_nxt})
 * @param options    the options negotiated at the handshake, from the checkpoint
 * @param timestamp  the TCP timestamp clock to start from (see {@link TcpSnapshot#timestampAt}); ignored when
 *                   timestamps are off
 * @param peerWindow the client's unscaled window field, from its reply
 * @param freebind   set {@code IP_FREEBIND} so the bind succeeds before the address is on an interface
 */
public record RebuildSpec(FourTuple connection, long sendSeq, long recvSeq, TcpOptions options, long timestamp,
                          int peerWindow, boolean freebind) {

    /** @throws NullPointerException for a null part; {@link IllegalArgumentException} for a number out of range */
    public RebuildSpec {
        Objects.requireNonNull(connection, "connection");
        Seq.require(sendSeq, "sendSeq");
        Seq.require(recvSeq, "recvSeq");
        Objects.requireNonNull(options, "options");
        Seq.require(timestamp, "timestamp");
        if (peerWindow < 0 || peerWindow > 0xffff) {
            throw new IllegalArgumentException("peerWindow must be in [0, 65535], got " + peerWindow);
        }
    }

    /**
     * The spec that synchronizes to the client's reply: send from its acknowledgment, receive from its sequence
     * number, with its window. Without {@code IP_FREEBIND}.
     *
     * @throws IllegalArgumentException when the reply does not carry an acknowledgment or is a reset
     */
    public static RebuildSpec afterReply(FourTuple connection, TcpOptions options, TcpHeader reply, long timestamp) {
        Objects.requireNonNull(reply, "reply");
        if (!reply.has(TcpHeader.ACK) || reply.has(TcpHeader.RST)) {
            throw new IllegalArgumentException("the client's reply must be an ACK without RST, flags were 0x"
                    + Integer.toHexString(reply.flags()));
        }
        return new RebuildSpec(connection, reply.ack(), reply.seq(), options, timestamp, reply.window(), false);
    }

    /**
     * This spec receiving from {@code recvSeq} instead: where the checkpoint vouches for the client's bytes, when the
     * client's reply showed it had sent more (those bytes must come again, or the connection cannot go on).
     */
    public RebuildSpec receivingFrom(long recvSeq) {
        return new RebuildSpec(connection, sendSeq, recvSeq, options, timestamp, peerWindow, freebind);
    }

    /** This spec with {@code IP_FREEBIND} on or off. */
    public RebuildSpec withFreebind(boolean on) {
        return new RebuildSpec(connection, sendSeq, recvSeq, options, timestamp, peerWindow, on);
    }

    /** The client's receive window in bytes: the window field scaled by the client's shift. */
    public long sendWindow() {
        return (long) peerWindow << options.sendWindowScale();
    }

    /**
     * The receive window this side starts with: the largest it can advertise. The client may already have seen a
     * smaller one; offering more never makes it drop data.
     */
    public long receiveWindow() {
        return 0xffffL << options.receiveWindowScale();
    }
}
