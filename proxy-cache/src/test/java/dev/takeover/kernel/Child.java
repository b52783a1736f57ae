package dev.takeover.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test main class running in a child JVM inside a network namespace ({@code ip netns exec}), with this JVM's
 * class path. Its output lines are echoed with a prefix and kept for assertions.
 */
final class Child implements AutoCloseable {

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();

    private Child(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::pump, "child-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static Child start(String name, Netns ns, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns.name(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new Child(name, new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    private void pump() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                System.out.println("[" + name + "] " + line);
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            System.out.println("[" + name + "] output lost: " + e);
        }
    }

    /** The first output line matching {@code wanted}, waiting for it at most {@code limit}. */
    String awaitLine(Predicate<String> wanted, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        boolean exited = false;
        synchronized (lines) {
            while (true) {
                Optional<String> hit = lines.stream().filter(wanted).findFirst();
                if (hit.isPresent()) {
                    return hit.get();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || exited) {
                    throw new AssertionError(name + ": no matching output line within " + limit
                            + (exited ? " (exited " + process.exitValue() + ")" : "") + "; got " + lines);
                }
                exited = !process.isAlive(); // one more short wait lets the reader take the last lines
                lines.wait(exited ? 200 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** The exit status, waiting at most {@code limit}; fails when still running. */
    int exitStatus(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + limit + "; output " + lines());
        }
        return process.exitValue();
    }

    /** SIGKILL, as a crashing host would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
