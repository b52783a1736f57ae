package dev.takeover.proxy.upstream;

import java.io.IOException;

/** Why the origin gave no usable response, and the status the client gets for it. */
public final class UpstreamException extends IOException {
    /** The kinds of failure, with the status each maps to. */
    public enum Kind {
        /** Connection refused, no route, reset before a response: 502. */
        UNREACHABLE(502),
        /** No connection or no response header block in time: 504. */
        TIMEOUT(504),
        /** A response that is not valid HTTP: 502. */
        BROKEN(502);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;

    public UpstreamException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The status code for the client. */
    public int status() {
        return kind.status();
    }
}
