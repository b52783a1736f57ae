package dev.takeover.origin;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How an {@link OriginServer} listens and what it serves.
 *
 * @param listen         the address to bind; port 0 picks a free port (see {@link OriginServer#address()})
 * @param directory      a directory whose regular files are served under {@code /}, or empty to serve only the
 *                       synthetic objects and the echo endpoint
 * @param bytesPerSecond the write bandwidth of each connection in bytes per second; 0 means unlimited
 * @throws NullPointerException     if an argument is null
 * @throws IllegalArgumentException if {@code listen} is unresolved, {@code bytesPerSecond} is negative, or
 *                                  {@code directory} does not name an existing directory
 */
public record OriginSettings(InetSocketAddress listen, Optional<Path> directory, long bytesPerSecond) {

    public OriginSettings {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(directory, "directory");
        if (listen.isUnresolved()) {
            throw new IllegalArgumentException("listen address is unresolved: " + listen);
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must be >= 0 (0 = unlimited): " + bytesPerSecond);
        }
        directory.ifPresent(dir -> {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("origin directory is not a directory: " + dir);
            }
        });
    }

    /** Settings that serve synthetic objects and echo only, without a bandwidth limit. */
    public static OriginSettings of(InetSocketAddress listen) {
        return new OriginSettings(listen, Optional.empty(), 0);
    }

    /** Whether connections are throttled to {@link #bytesPerSecond()}. */
    public boolean rateLimited() {
        return bytesPerSecond > 0;
    }
}
