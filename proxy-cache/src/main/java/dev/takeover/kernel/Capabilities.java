package dev.takeover.kernel;

import java.util.Locale;

/**
 * What this process may do with the kernel, found by trying it on a throwaway socket: the proxy checks once at start
 * and, when {@code tcpRepair} is false, runs as a plain proxy and says so once ({@link #summary()}).
 *
 * @param linux      the operating system is Linux, and the foreign-function calls could be linked
 * @param tcpRepair  {@code TCP_REPAIR} is allowed (CAP_NET_ADMIN): {@link TcpRepair} works
 * @param rawSockets raw IPv4 sockets are allowed (CAP_NET_RAW): {@link RawTcp}, {@link PacketCapture} and
 *                   {@link GratuitousArp} work
 * @param summary    one line for a log, naming what is missing and why
 */
public record Capabilities(boolean linux, boolean tcpRepair, boolean rawSockets, String summary) {

    /** Checks this process now. Never throws; opens and closes two sockets. */
    public static Capabilities detect() {
        String os = System.getProperty("os.name", "unknown");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return new Capabilities(false, false, false, "not Linux (" + os + "): plain proxy, no connection takeover");
        }
        try {
            String repair = tryRepair();
            String raw = tryRaw();
            String summary = repair == null && raw == null
                    ? "TCP_REPAIR and raw sockets available: connections can be taken over"
                    : "connection takeover unavailable:"
                    + (repair == null ? "" : " TCP_REPAIR needs CAP_NET_ADMIN (" + repair + ");")
                    + (raw == null ? "" : " raw sockets need CAP_NET_RAW (" + raw + ");");
            return new Capabilities(true, repair == null, raw == null, summary);
        } catch (LinkageError | IllegalCallerException e) {
            // e.g. --illegal-native-access=deny without --enable-native-access, or no C library symbols
            return new Capabilities(false, false, false, "native calls unavailable: " + e);
        }
    }

    /** Whether this process can use {@code TCP_REPAIR}; see {@link #detect()}. */
    public static boolean canRepair() {
        return detect().tcpRepair();
    }

    /** Null when allowed, else the failure's message. */
    private static String tryRepair() {
        int fd;
        try {
            fd = Libc.socket(Libc.AF_INET, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        } catch (KernelException e) {
            return e.getMessage();
        }
        try {
            Libc.setInt(fd, Libc.Option.TCP_REPAIR, 1);
            return null;
        } catch (KernelException e) {
            return e.getMessage();
        } finally {
            closeQuietly(fd);
        }
    }

    private static String tryRaw() {
        try {
            closeQuietly(Libc.socket(Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.IPPROTO_TCP));
            return null;
        } catch (KernelException e) {
            return e.getMessage();
        }
    }

    private static void closeQuietly(int fd) {
        try {
            Libc.close(fd);
        } catch (KernelException ignored) {
            // a fresh descriptor that failed to close leaks nothing we could recover
        }
    }
}
