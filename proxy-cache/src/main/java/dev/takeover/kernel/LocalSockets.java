package dev.takeover.kernel;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What this node's kernel holds for the four-tuples of connections about to be rebuilt, read and changed with
 * {@code ss} (iproute2):
 * <ul>
 *   <li>{@link #established}: the connections a VIP has here already. A client that opens a new connection to the
 *       VIP's new owner may pick the port of one of its connections that closed on the dead node, whose checkpoint
 *       outlived it: that checkpoint must be dropped, not probed (an answer would come from the new connection, and
 *       a reset would kill it).</li>
 *   <li>{@link #releaseTimeWait}: a node that served a VIP before keeps its closed connections in {@code TIME_WAIT}
 *       for a minute. One without TCP timestamps keeps a connection rebuilt on its four-tuple from binding
 *       ({@code EADDRNOTAVAIL}); {@code ss -K} destroys it ({@code SOCK_DESTROY}, kernel
 *       {@code CONFIG_INET_DIAG_DESTROY}, CAP_NET_ADMIN). Live connections are never touched.</li>
 * </ul>
 * Thread-safe.
 */
public final class LocalSockets {
    private final ExternalCommand command;

    /** Runs {@code ss} in this process's network namespace. */
    public LocalSockets() {
        this(ExternalCommand.direct());
    }

    LocalSockets(ExternalCommand command) {
        this.command = Objects.requireNonNull(command, "command");
    }

    /**
     * The established TCP connections whose local address is {@code vip}, local side first.
     *
     * @throws IOException when {@code ss} fails or cannot run
     */
    public Set<FourTuple> established(Inet4Address vip) throws IOException {
        ExternalCommand.Result result = command.run(null, "ss", "-t", "-n", "-H", "state", "established",
                "src", vip.getHostAddress());
        if (!result.ok()) {
            throw result.failure();
        }
        return parse(result.stdout());
    }

    /**
     * Destroys the {@code TIME_WAIT} socket of {@code connection}, if there is one.
     *
     * @throws IOException when {@code ss} fails or cannot run
     */
    public void releaseTimeWait(FourTuple connection) throws IOException {
        ExternalCommand.Result result = command.run(null, releaseArguments(connection));
        if (!result.ok()) {
            throw result.failure();
        }
    }

    static String[] releaseArguments(FourTuple c) {
        return new String[] {"ss", "-K", "-t", "-n", "state", "time-wait",
                "src", c.localAddress().getHostAddress() + ":" + c.localPort(),
                "dst", c.remoteAddress().getHostAddress() + ":" + c.remotePort()};
    }

    /**
     * Reads {@code ss -t -n -H state established} lines: receive queue, send queue, local and peer address:port. An
     * IPv4 address on a dual-stack socket shows as {@code [::ffff:A.B.C.D]}; lines of other IPv6 addresses are skipped.
     */
    static Set<FourTuple> parse(String ssOutput) {
        Set<FourTuple> tuples = new HashSet<>();
        for (String line : ssOutput.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4) {
                continue;
            }
            Endpoint local = Endpoint.parse(f[2]);
            Endpoint peer = Endpoint.parse(f[3]);
            if (local != null && peer != null) {
                tuples.add(new FourTuple(local.address(), local.port(), peer.address(), peer.port()));
            }
        }
        return Set.copyOf(tuples);
    }

    private record Endpoint(Inet4Address address, int port) {
        private static final Pattern FORM = Pattern.compile("\\[?(?:::ffff:)?(\\d{1,3}(?:\\.\\d{1,3}){3})]?:(\\d{1,5})");

        /** @return null for an endpoint that is not IPv4 */
        static Endpoint parse(String text) {
            Matcher m = FORM.matcher(text);
            if (!m.matches()) {
                if (text.lastIndexOf(':') < 0) {
                    throw new IllegalArgumentException("unreadable ss endpoint: " + text);
                }
                return null;
            }
            try {
                return new Endpoint((Inet4Address) InetAddress.getByName(m.group(1)), Integer.parseInt(m.group(2)));
            } catch (UnknownHostException | ClassCastException e) { // a literal: no lookup
                throw new IllegalArgumentException("not an IPv4 address in ss output: " + text, e);
            }
        }
    }
}
