package dev.takeover.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link ClusterNodeMain} in a child JVM: commands go to its standard input, answers and membership events come
 * back on its standard output, its log goes to a file. Waits are bounded (a hang guard, not a speed requirement).
 */
final class NodeProcess implements AutoCloseable {

    /** How long any wait of a test lasts at most before it is declared hung. */
    static final Duration HANG_GUARD = Duration.ofSeconds(40);

    /**
     * A membership event as the child printed it.
     *
     * @param epochMillis when the child's listener received it
     * @param type        the event's simple type name, e.g. {@code Left}
     * @param node        the node it concerns, or null
     * @param crashed     for {@code Left}, whether the node crashed; else null
     * @param viewId      the view's id
     * @param members     the view's members
     */
    record Observed(long epochMillis, String type, String node, Boolean crashed, long viewId, List<String> members) {
        static Observed parse(String line) {
            String[] w = line.split(" ");
            return new Observed(Long.parseLong(w[2]), w[3], w[4].equals("-") ? null : w[4],
                    w[5].equals("-") ? null : Boolean.valueOf(w[5]), Long.parseLong(w[6]), List.of(w[7].split(",")));
        }
    }

    final String name;
    private final Process process;
    private final Writer stdin;
    private final Path log;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final List<Observed> events = new CopyOnWriteArrayList<>();
    private final Object eventsChanged = new Object();
    private volatile String ready;

    private NodeProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readOutput, "node-process-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts node {@code name} of {@code clusterFile} in a new JVM, optionally under a command prefix such as
     * {@code ip netns exec <ns>}, and waits until it has joined.
     */
    static NodeProcess start(List<String> prefix, Path clusterFile, String name, Path logDir) {
        List<String> command = new ArrayList<>(prefix);
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Xmx192m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dlogback.configurationFile=" + logbackConfig(logDir),
                "-cp", classPath(), ClusterNodeMain.class.getName(), clusterFile.toString(), name));
        Path log = logDir.resolve(name + ".log");
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            NodeProcess node = new NodeProcess(name, p, log);
            node.awaitReady();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** Logback for children: INFO to standard error, which goes to the node's log file. */
    private static Path logbackConfig(Path dir) {
        Path file = dir.resolve("logback-node.xml");
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, """
                        <configuration>
                          <appender name="err" class="ch.qos.logback.core.ConsoleAppender">
                            <target>System.err</target>
                            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{1} - %msg%n</pattern></encoder>
                          </appender>
                          <logger name="org.infinispan" level="WARN"/>
                          <logger name="org.jgroups" level="WARN"/>
                          <root level="INFO"><appender-ref ref="err"/></root>
                        </configuration>
                        """);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readOutput() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("tko event ")) {
                    events.add(Observed.parse(line));
                    synchronized (eventsChanged) {
                        eventsChanged.notifyAll();
                    }
                } else if (line.startsWith("tko ready")) {
                    ready = line;
                    answers.add(line);
                } else if (line.startsWith("tko ")) {
                    answers.add(line);
                }
            }
        } catch (IOException e) {
            // the process died; waits fail with its log
        }
        answers.add("tko exited");
    }

    private void awaitReady() {
        String line = nextAnswer();
        if (!line.startsWith("tko ready")) {
            throw new AssertionError(name + " did not start: " + line + "\n" + logTail());
        }
    }

    /** Sends {@code command} and returns the answer without its {@code tko ok } prefix. */
    String send(String command) {
        try {
            stdin.write(command + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError(name + " is not running: " + e + "\n" + logTail(), e);
        }
        String line = nextAnswer();
        if (line.startsWith("tko ok ")) {
            return line.substring("tko ok ".length());
        }
        if (line.startsWith("tko err ")) {
            return "err " + line.substring("tko err ".length());
        }
        throw new AssertionError(name + " answered '" + line + "' to '" + command + "'\n" + logTail());
    }

    /** @return the words of the answer to {@code view}: id, members, majority, checkpoints available */
    List<String> view() {
        return Arrays.asList(send("view").split(" "));
    }

    private String nextAnswer() {
        try {
            String line = answers.poll(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError(name + " did not answer within " + HANG_GUARD + "\n" + logTail());
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for an event matching {@code match} (received at any time since the start) and returns it. */
    Observed awaitEvent(String description, Predicate<Observed> match) {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        synchronized (eventsChanged) {
            while (true) {
                for (Observed e : events) {
                    if (match.test(e)) {
                        return e;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(name + ": no event '" + description + "' within " + HANG_GUARD
                            + "; events: " + events + "\n" + logTail());
                }
                try {
                    eventsChanged.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** @return every event received so far, in order */
    List<Observed> events() {
        return List.copyOf(events);
    }

    /** Waits until the node's view has {@code size} members, asking it every 50 ms. */
    void awaitViewSize(int size) {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (view().get(1).split(",").length != size) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": no view of " + size + " within " + HANG_GUARD + "; view "
                        + view() + "\n" + logTail());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Kills the process with SIGKILL and waits for it to be gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long pid() {
        return process.pid();
    }

    String logTail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return "--- last lines of " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Asks the node to leave cleanly; kills it if it does not exit in time. */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                stdin.write("close\n");
                stdin.flush();
                stdin.close();
            } catch (IOException ignored) {
                // already gone
            }
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
