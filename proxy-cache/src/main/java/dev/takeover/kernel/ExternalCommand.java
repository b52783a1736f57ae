package dev.takeover.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external program ({@code ip}, {@code nft}) with an optional standard input and a time limit, and
 * collects its output. {@code prefix} goes before every command, e.g. {@code ip netns exec NAME} in tests.
 * Immutable and thread-safe.
 */
record ExternalCommand(List<String> prefix, Duration timeout) {

    ExternalCommand {
        prefix = List.copyOf(prefix);
        Objects.requireNonNull(timeout, "timeout");
    }

    /** Runs commands as they are, in this process's network namespace, for at most 10 seconds each. */
    static ExternalCommand direct() {
        return new ExternalCommand(List.of(), Duration.ofSeconds(10));
    }

    /** The outcome of one run. */
    record Result(List<String> command, int exit, String stdout, String stderr) {

        boolean ok() {
            return exit == 0;
        }

        /** The failure as an exception naming the command, its exit status and its error output. */
        IOException failure() {
            return new IOException(String.join(" ", command) + " failed (exit " + exit + "): " + stderr.strip());
        }
    }

    /**
     * Runs {@code arguments} with {@code stdin} (none when null) and returns whatever the exit status.
     *
     * @throws IOException when the program cannot start (e.g. not installed) or exceeds the time limit (it is
     *                     then killed); {@link InterruptedIOException} when this thread is interrupted
     */
    Result run(String stdin, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).start();
        try {
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(command, process.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running " + String.join(" ", command));
        } catch (ExecutionException e) {
            throw new IOException("reading the output of " + String.join(" ", command), e.getCause());
        } finally {
            process.destroyForcibly(); // no-op when it has exited
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(new UncheckedIOException(e));
            }
        });
        return text;
    }
}
