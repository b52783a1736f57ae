package dev.takeover.kernel;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A network namespace for tests, named {@code tko-kt-<pid>-<suffix>} so that leftovers of a killed run can be told
 * apart and removed. Only addresses of 198.18.77.0/24 (RFC 2544 benchmarking) are ever configured inside.
 */
final class Netns implements AutoCloseable {

    static final String ROOT_PREFIX = "tko-kt-";
    static final String PREFIX = ROOT_PREFIX + ProcessHandle.current().pid() + "-";
    private static final ExternalCommand HOST = new ExternalCommand(List.of(), Duration.ofSeconds(20));

    private final String name;

    private Netns(String name) {
        this.name = name;
    }

    /** Creates {@code PREFIX + suffix} (deleting a leftover of that name first) with its loopback up. */
    static Netns create(String suffix) throws IOException {
        Netns ns = new Netns(PREFIX + suffix);
        ns.delete();
        host("ip", "netns", "add", ns.name);
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    /** Deletes this test run's namespaces and those of runs whose process is gone. */
    static void deleteLeftovers() throws IOException {
        for (String line : host("ip", "netns", "list").lines().toList()) {
            String ns = line.split(" ")[0];
            if (!ns.startsWith(ROOT_PREFIX)) {
                continue;
            }
            String pid = ns.substring(ROOT_PREFIX.length()).split("-")[0];
            boolean ours = ns.startsWith(PREFIX);
            boolean orphan = pid.chars().allMatch(Character::isDigit) && !pid.isEmpty()
                    && ProcessHandle.of(Long.parseLong(pid)).isEmpty();
            if (ours || orphan) {
                new Netns(ns).delete();
            }
        }
    }

    String name() {
        return name;
    }

    /** A command prefix that runs a program inside this namespace. */
    ExternalCommand command() {
        return new ExternalCommand(List.of("ip", "netns", "exec", name), Duration.ofSeconds(20));
    }

    /** {@code ip -n NAME args...}; fails on a non-zero exit. */
    String ip(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return host(command.toArray(String[]::new));
    }

    /** Runs {@code args} inside the namespace; fails on a non-zero exit. */
    String exec(String stdin, String... args) throws IOException {
        ExternalCommand.Result result = command().run(stdin, args);
        if (!result.ok()) {
            throw result.failure();
        }
        return result.stdout();
    }

    /** Kills every process inside, then deletes the namespace; absent already is fine. */
    void delete() throws IOException {
        ExternalCommand.Result pids = HOST.run(null, "ip", "netns", "pids", name);
        if (pids.ok()) {
            for (String pid : pids.stdout().split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        HOST.run(null, "ip", "netns", "del", name); // fails only when absent
    }

    @Override
    public void close() throws IOException {
        delete();
    }

    private static String host(String... args) throws IOException {
        ExternalCommand.Result result = HOST.run(null, args);
        if (!result.ok()) {
            throw result.failure();
        }
        return result.stdout();
    }
}
