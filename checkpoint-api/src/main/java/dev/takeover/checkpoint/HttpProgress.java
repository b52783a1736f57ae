package dev.takeover.checkpoint;

import java.util.Objects;

/**
 * The HTTP layer's appender: owns the connection's HTTP position (bytes sent, requests answered, the request waiting
 * for its response, the response in progress) and contributes it as {@link HttpLayer.Idle},
 * {@link HttpLayer.Requested} or {@link HttpLayer.Responding}.
 *
 * <p>Call order per response: optionally {@link #requested} when its request arrives and cannot be answered at once,
 * {@link #responding} before its first byte is written, {@link #sent} for every write,
 * {@link #confirmBody()} whenever {@link #confirmDue()} says so (bodies over 4 GiB), {@link #responseComplete()} after
 * its last byte. The idle state's receive position is the end of the last request answered, not every byte
 * received: bytes of a request not yet answered must not be acknowledged by a survivor, which could not answer them.
 *
 * <p>Not thread-safe: used by the thread that serves the connection.
 */
public final class HttpProgress implements LayerAppender {

    /**
     * Body bytes after which a new {@code bodyBytesConfirmed} is due: a quarter of the 32-bit sequence space, so a
     * checkpointed position is always well within 2 GiB of the client's acknowledgment.
     */
    public static final long CONFIRM_INTERVAL = 1L << 30;

    private long sent;
    private long receiveEnd;
    private int served;
    private HttpLayer.Requested requested;
    private HttpLayer.Responding responding;

    /** Progress of a new connection: nothing received, nothing sent. */
    public HttpProgress() {
    }

    /**
     * Progress resumed from a checkpointed state, after a takeover.
     *
     * @param state     the checkpointed HTTP layer
     * @param sentBytes the send position the connection resumes at (from the client's acknowledgment)
     * @throws IllegalArgumentException if {@code sentBytes} is before the state's own send position
     */
    public HttpProgress(HttpLayer state, long sentBytes) {
        switch (Objects.requireNonNull(state, "state")) {
            case HttpLayer.Idle idle -> {
                requireAtLeast(sentBytes, idle.sentBytes());
                receiveEnd = idle.receivedBytes();
                served = idle.requestsServed();
            }
            case HttpLayer.Requested q -> {
                requireAtLeast(sentBytes, q.responseStartSendPos());
                requested = q; // still unanswered: recorded as such under the new owner until its response begins
                // The survivor replays the request into its parser, which then reports this end again.
                receiveEnd = Math.max(0, q.requestEndReceivePos() - q.requestHeadUnsafe().length);
                served = q.requestsServed();
            }
            case HttpLayer.Responding r -> {
                requireAtLeast(sentBytes, r.responseStartSendPos());
                responding = r;
                // Responding does not carry the count of earlier responses; it is informational only.
                receiveEnd = r.requestEndReceivePos();
            }
        }
        sent = sentBytes;
    }

    /** Records {@code bytes} written to the client. */
    public void sent(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
        }
        sent += bytes;
    }

    /** Bytes written to the client so far (the send position). */
    public long sentBytes() {
        return sent;
    }

    /**
     * Records a request whose response cannot begin at once. It replaces an earlier recorded request (a replayed one).
     *
     * @throws IllegalStateException    if a response is in progress
     * @throws IllegalArgumentException if the positions do not match this connection's
     */
    public void requested(HttpLayer.Requested request) {
        Objects.requireNonNull(request, "request");
        requireNextExchange(request.requestEndReceivePos(), request.responseStartSendPos());
        requested = request;
    }

    /** Whether a request is recorded (its response has not begun): a survivor could replay it. */
    public boolean requestRecorded() {
        return requested != null;
    }

    /** Responses completed on this connection. */
    public int requestsServed() {
        return served;
    }

    /**
     * Starts a response. Its {@code responseStartSendPos} must be the current send position.
     *
     * @throws IllegalStateException    if a response is already in progress
     * @throws IllegalArgumentException if the positions do not match this connection's
     */
    public void responding(HttpLayer.Responding response) {
        Objects.requireNonNull(response, "response");
        requireNextExchange(response.requestEndReceivePos(), response.responseStartSendPos());
        responding = response;
        requested = null;
    }

    /**
     * A request ending at {@code requestEnd} whose response starts at {@code responseStart} is the connection's next:
     * no response in progress, the response starts where sending stands, the request ends no earlier than the last.
     */
    private void requireNextExchange(long requestEnd, long responseStart) {
        if (responding != null) {
            throw new IllegalStateException("a response is already in progress: " + responding.target());
        }
        if (responseStart != sent) {
            throw new IllegalArgumentException("response starts at " + responseStart + " but " + sent
                    + " bytes were sent");
        }
        if (requestEnd < receiveEnd) {
            throw new IllegalArgumentException("request ends at " + requestEnd + ", before the previous request's end "
                    + receiveEnd);
        }
    }

    /** Whether the body sent since the last confirmation reached {@link #CONFIRM_INTERVAL}. */
    public boolean confirmDue() {
        return responding != null
                && bodySent(responding) - Math.max(0, responding.bodyBytesConfirmed()) >= CONFIRM_INTERVAL;
    }

    /**
     * Records the body bytes sent so far in the response's {@code bodyBytesConfirmed}; take a checkpoint after.
     *
     * @throws IllegalStateException if no response is in progress
     */
    public void confirmBody() {
        if (responding == null) {
            throw new IllegalStateException("no response in progress");
        }
        long body = bodySent(responding);
        if (responding.bodyLength() >= 0) {
            body = Math.min(body, responding.bodyLength());
        }
        responding = responding.withBodyBytesConfirmed(body);
    }

    /**
     * Ends the response in progress: the connection is idle again.
     *
     * @throws IllegalStateException if no response is in progress, or fewer bytes were sent than its header block
     */
    public void responseComplete() {
        if (responding == null) {
            throw new IllegalStateException("no response in progress");
        }
        if (sent < responding.bodyStartSendPos()) {
            throw new IllegalStateException("response complete before its header block was sent: " + sent
                    + " < " + responding.bodyStartSendPos());
        }
        receiveEnd = responding.requestEndReceivePos();
        served++;
        responding = null;
    }

    /** The HTTP layer as of now. */
    public HttpLayer state() {
        if (responding != null) {
            return responding;
        }
        return requested != null ? requested : new HttpLayer.Idle(receiveEnd, sent, served);
    }

    @Override
    public void append(CheckpointBuilder builder) {
        builder.layer(state());
    }

    private long bodySent(HttpLayer.Responding r) {
        return Math.max(0, sent - r.bodyStartSendPos());
    }

    private static void requireAtLeast(long sentBytes, long checkpointed) {
        if (sentBytes < checkpointed) {
            throw new IllegalArgumentException("cannot resume at send position " + sentBytes
                    + ", before the checkpointed " + checkpointed);
        }
    }
}
