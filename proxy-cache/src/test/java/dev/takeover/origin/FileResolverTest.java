package dev.takeover.origin;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class FileResolverTest {

    @TempDir
    Path temp;
    private Path root;
    private FileResolver resolver;

    @BeforeEach
    void createTree() throws IOException {
        root = Files.createDirectories(temp.resolve("root"));
        Files.writeString(temp.resolve("secret.txt"), "outside");
        Files.writeString(root.resolve("hello.txt"), "hello");
        Files.createDirectories(root.resolve("sub"));
        Files.write(root.resolve("sub/data.bin"), new byte[]{1, 2, 3});
        Files.writeString(root.resolve("a b+c.TXT"), "spaced");
        Files.createSymbolicLink(root.resolve("escape.txt"), temp.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("escape-dir"), temp);
        Files.createSymbolicLink(root.resolve("alias.txt"), root.resolve("hello.txt"));
        resolver = new FileResolver(root);
    }

    @ParameterizedTest
    @CsvSource({
            "/hello.txt,        hello.txt,    text/plain; charset=utf-8",
            "/sub/data.bin,     sub/data.bin, application/octet-stream",
            "//sub//./data.bin, sub/data.bin, application/octet-stream",
            "/a b+c.TXT,        a b+c.TXT,    text/plain; charset=utf-8",
            "/alias.txt,        hello.txt,    text/plain; charset=utf-8",
            "/escape-dir/root/hello.txt, hello.txt, text/plain; charset=utf-8"})
    void resolvesRegularFilesInside(String path, String relative, String contentType) throws IOException {
        FileObject file = resolver.resolve(path).orElseThrow();

        assertThat(file.path()).isEqualTo(root.resolve(relative).toRealPath());
        assertThat(file.length()).isEqualTo(Files.size(root.resolve(relative)));
        assertThat(file.contentType()).isEqualTo(contentType);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../secret.txt", "/sub/../../secret.txt", "/sub/../hello.txt", "/..", "/escape.txt",
            "/escape-dir/secret.txt", "/missing", "/sub", "/", "", "/sub/",
            "/hello.txt/x", "/nul\0.txt"})
    void refusesEscapesDirectoriesAndMissingFiles(String path) throws IOException {
        assertThat(resolver.resolve(path)).isEmpty();
    }

    @Test
    void etagChangesWhenTheFileChanges() throws IOException {
        Path hello = root.resolve("hello.txt");
        Files.setLastModifiedTime(hello, FileTime.from(Instant.parse("2024-01-01T00:00:00.100Z")));
        FileObject before = resolver.resolve("/hello.txt").orElseThrow();

        Files.setLastModifiedTime(hello, FileTime.from(Instant.parse("2024-01-01T00:00:00.200Z")));
        FileObject touched = resolver.resolve("/hello.txt").orElseThrow();
        Files.writeString(hello, "HELLO");
        Files.setLastModifiedTime(hello, FileTime.from(Instant.parse("2024-01-01T00:00:00.200Z")));
        FileObject rewrittenSameSize = resolver.resolve("/hello.txt").orElseThrow();
        Files.writeString(hello, "hello, world");
        Files.setLastModifiedTime(hello, FileTime.from(Instant.parse("2024-01-01T00:00:00.200Z")));
        FileObject resized = resolver.resolve("/hello.txt").orElseThrow();

        assertThat(before.etag()).matches("\"[!#-~]+\"").isNotEqualTo(touched.etag());
        assertThat(rewrittenSameSize.etag()).isEqualTo(touched.etag()); // same size and mtime: indistinguishable
        assertThat(resized.etag()).isNotEqualTo(touched.etag());
        assertThat(before.lastModified()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    }
}
