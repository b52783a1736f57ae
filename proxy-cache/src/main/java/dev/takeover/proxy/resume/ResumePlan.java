package dev.takeover.proxy.resume;

import dev.takeover.proxy.exchange.Reply;

/** What to do with a taken-over connection, decided by {@link HttpResume}. */
public sealed interface ResumePlan {
    /**
     * Serve on: write {@code rest} first (the remainder of the response in flight), or nothing when
     * the connection was idle or its response already complete.
     *
     * @param rest  the remainder to write, or null
     * @param close whether the connection closes once {@code rest} is written (or at once, if none)
     */
    record Continue(Reply rest, boolean close) implements ResumePlan {}

    /**
     * Answer from the start a request the dead node had received but not begun to answer: its head is replayed into
     * this node's request parser, and the response is served as to any request.
     *
     * @param requestHead the recorded request line and header fields; the record keeps its own copy
     */
    record Replay(byte[] requestHead) implements ResumePlan {
        public Replay {
            requestHead = requestHead.clone();
        }

        @Override
        public byte[] requestHead() {
            return requestHead.clone();
        }
    }

    /** The connection cannot be resumed byte-exact: reset it. */
    record Reset(String why) implements ResumePlan {}
}
