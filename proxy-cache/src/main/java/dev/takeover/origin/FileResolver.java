package dev.takeover.origin;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Maps a decoded request path to a regular file under the served directory, refusing anything that would leave it.
 *
 * <p>A path is refused (empty result) when a segment is {@code ..}, when it names something that is not a readable
 * regular file, or when symbolic links lead outside the directory. Thread-safe.
 */
final class FileResolver {

    private final Path root;

    /**
     * @param directory the served directory
     * @throws IOException if the directory cannot be resolved to a real path
     */
    FileResolver(Path directory) throws IOException {
        this.root = directory.toRealPath();
    }

    /**
     * Resolves {@code decodedPath} (absolute, percent-decoded) against the served directory.
     *
     * @return the file with its current size and modification time, or empty if the path is refused or missing
     * @throws IOException if reading the file's metadata fails other than by a file-system refusal
     */
    Optional<FileObject> resolve(String decodedPath) throws IOException {
        Path candidate = root;
        String name = "";
        for (String segment : decodedPath.split("/")) {
            if (segment.equals("..")) {
                return Optional.empty(); // never walk up, even when it would stay inside the root
            }
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            try {
                candidate = candidate.resolve(segment);
            } catch (InvalidPathException e) {
                return Optional.empty(); // e.g. a NUL byte
            }
            name = segment;
        }
        if (name.isEmpty()) {
            return Optional.empty(); // the root itself is a directory
        }
        Path real;
        BasicFileAttributes attributes;
        try {
            real = candidate.toRealPath();
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (FileSystemException e) {
            // missing, a file used as a directory, no permission, a symlink loop: all look like "not found"
            return Optional.empty();
        }
        if (!real.startsWith(root) || !attributes.isRegularFile() || !Files.isReadable(real)) {
            return Optional.empty();
        }
        return Optional.of(new FileObject(real, attributes.size(), attributes.lastModifiedTime().toInstant(),
                ContentTypes.forFileName(name)));
    }
}
