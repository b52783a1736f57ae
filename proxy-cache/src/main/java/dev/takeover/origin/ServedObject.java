package dev.takeover.origin;

import java.time.Instant;

/**
 * What the origin knows about a representation it can serve with validators and byte ranges: a
 * {@link SyntheticObject} generated on demand or a {@link FileObject} from the served directory.
 *
 * <p>Implementations are immutable and thread-safe.
 */
sealed interface ServedObject permits SyntheticObject, FileObject {

    /** The representation length in bytes, {@code >= 0}. */
    long length();

    /** The strong entity tag, including its double quotes. */
    String etag();

    /** The modification time, truncated to whole seconds as HTTP dates are. */
    Instant lastModified();

    /** The media type sent as {@code Content-Type}. */
    String contentType();
}
