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

    /** The connection cannot be resumed byte-exact: reset it. */
    record Reset(String why) implements ResumePlan {}
}
