package dev.takeover.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the test process may do: effective capabilities from {@code /proc/self/status}, and installed commands. */
final class Privileges {

    static final int CAP_NET_ADMIN = 12;
    static final int CAP_NET_RAW = 13;
    static final int CAP_SYS_NICE = 23;

    private Privileges() {
    }

    static boolean has(int capability) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long mask = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    return (mask & 1L << capability) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false; // not Linux, or unreadable: treat as unprivileged
        }
        return false;
    }

    static boolean commandAvailable(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin") + ":/usr/sbin:/sbin";
        return Arrays.stream(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, name)));
    }

    /** Skips the calling test unless this process has CAP_NET_ADMIN and CAP_NET_RAW (CI runs as root). */
    static void assumeNetworkAdmin() {
        assumeTrue(has(CAP_NET_ADMIN) && has(CAP_NET_RAW),
                "needs CAP_NET_ADMIN and CAP_NET_RAW (run as root); skipped");
    }

    /** Skips the calling test unless every command is installed. */
    static void assumeCommands(String... names) {
        for (String name : names) {
            assumeTrue(commandAvailable(name), "needs the '" + name + "' command; skipped");
        }
    }
}
