package dev.takeover.origin;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A regular file of the served directory, as it was when the request resolved it.
 *
 * <p>The entity tag combines the size with the modification time to the nanosecond, so rewriting the file changes the
 * tag even within the same second.
 *
 * @param path        the real path of the file (symbolic links resolved)
 * @param length      the file size in bytes
 * @param modified    the file's modification time at full precision
 * @param contentType the media type, chosen from the requested name's extension
 */
record FileObject(Path path, long length, Instant modified, String contentType) implements ServedObject {

    FileObject {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(modified, "modified");
        Objects.requireNonNull(contentType, "contentType");
        if (length < 0) {
            throw new IllegalArgumentException("negative length: " + length);
        }
    }

    @Override
    public String etag() {
        return "\"file-" + Long.toHexString(length) + "-" + Long.toHexString(modified.getEpochSecond())
                + "." + Integer.toHexString(modified.getNano()) + "\"";
    }

    @Override
    public Instant lastModified() {
        return modified.truncatedTo(ChronoUnit.SECONDS);
    }
}
