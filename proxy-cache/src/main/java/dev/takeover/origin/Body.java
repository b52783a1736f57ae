package dev.takeover.origin;

import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.HttpChunkedInput;

/** The content that follows a response head: nothing, a lazily produced stream, or a zero-copy file region. */
sealed interface Body {

    /** No content (HEAD, 304, empty representations). */
    record Empty() implements Body {
    }

    /** Content produced chunk by chunk by netty's {@code ChunkedWriteHandler}; ends with the last-content marker. */
    record Chunked(HttpChunkedInput input) implements Body {
    }

    /** A file slice sent with {@code sendfile}/{@code transferTo}; the caller follows it with the last-content marker. */
    record Region(FileRegion region) implements Body {
    }

    Body EMPTY = new Empty();
}
