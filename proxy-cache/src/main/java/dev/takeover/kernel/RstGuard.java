package dev.takeover.kernel;

import java.io.IOException;
import java.net.Inet4Address;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Keeps this node's kernel from resetting connections it is about to rebuild. Between claiming a virtual IP and
 * rebuilding a connection, segments from the client (its reply to the old-sequence ACK among them) reach a kernel
 * with no socket for them, and that kernel answers with a RST that would end the connection. The guard is an
 * nftables table, {@code inet takeover_guard}, whose output chain drops outgoing TCP segments with RST set that
 * match one of two sets:
 * <ul>
 *   <li>{@code vips}: every RST from a guarded address ({@link #guardAddress}), for the whole takeover;</li>
 *   <li>{@code connections}: RSTs of one connection, keyed {@code ip saddr . tcp sport . ip daddr . tcp dport}
 *       ({@link #guardConnections}), so each connection can be released as soon as its socket exists.</li>
 * </ul>
 * Adding and removing set elements is one small nftables transaction; the rules never change after
 * {@link #install}. Only this node's RSTs are dropped: the client's segments still arrive and
 * {@link PacketCapture} sees them (it reads before netfilter, so it would even see packets an input rule dropped).
 *
 * <p>Every method runs {@code nft -f -} once (so it costs a process start, a few milliseconds) and is idempotent:
 * guarding what is guarded, or releasing what is not, succeeds. <b>Privilege:</b> CAP_NET_ADMIN. Thread-safe.
 * Errors are {@link IOException}s naming the command, exit status and nft's message.
 */
public final class RstGuard {

    /** The nftables table (family {@code inet}) this class owns. */
    public static final String TABLE = "takeover_guard";

    private static final String SETUP = """
            add table inet takeover_guard
            add set inet takeover_guard vips { type ipv4_addr; }
            add set inet takeover_guard connections { type ipv4_addr . inet_service . ipv4_addr . inet_service; }
            add chain inet takeover_guard output { type filter hook output priority 0; policy accept; }
            flush chain inet takeover_guard output
            add rule inet takeover_guard output tcp flags & rst == rst ip saddr @vips drop
            add rule inet takeover_guard output tcp flags & rst == rst \
            ip saddr . tcp sport . ip daddr . tcp dport @connections drop
            """;

    private final ExternalCommand command;

    private RstGuard(ExternalCommand command) {
        this.command = command;
    }

    /**
     * Creates the table, its sets and its two rules if absent, in one transaction, and keeps the sets' elements
     * if the table exists (another takeover may be guarding). Calling it again is harmless.
     *
     * @throws IOException when {@code nft} fails or is not installed
     */
    public static RstGuard install() throws IOException {
        return install(ExternalCommand.direct());
    }

    static RstGuard install(ExternalCommand command) throws IOException {
        RstGuard guard = new RstGuard(Objects.requireNonNull(command, "command"));
        guard.apply(SETUP);
        return guard;
    }

    /** Drops every RST from {@code address} until {@link #releaseAddress}. */
    public void guardAddress(Inet4Address address) throws IOException {
        apply(elementScript("add", "vips", ip(address)));
    }

    /** Drops every RST from each address until it is released; one transaction for all of them. */
    public void guardAddresses(Collection<Inet4Address> addresses) throws IOException {
        if (!addresses.isEmpty()) {
            apply(elementScript("add", "vips", addresses.stream().map(RstGuard::ip).toList()));
        }
    }

    /** Lets RSTs from {@code address} out again (connection entries stay). */
    public void releaseAddress(Inet4Address address) throws IOException {
        apply(addThenDelete("vips", List.of(ip(address))));
    }

    /** Drops the RSTs of {@code connection} until it is released. */
    public void guardConnection(FourTuple connection) throws IOException {
        guardConnections(List.of(connection));
    }

    /** Drops the RSTs of each connection until it is released; one transaction for all of them. */
    public void guardConnections(Collection<FourTuple> connections) throws IOException {
        if (!connections.isEmpty()) {
            apply(elementScript("add", "connections", connections.stream().map(RstGuard::element).toList()));
        }
    }

    /** Lets the RSTs of {@code connection} out again, e.g. once its socket is rebuilt. */
    public void releaseConnection(FourTuple connection) throws IOException {
        releaseConnections(List.of(connection));
    }

    /** Lets the RSTs of each connection out again; one transaction for all of them. */
    public void releaseConnections(Collection<FourTuple> connections) throws IOException {
        if (!connections.isEmpty()) {
            apply(addThenDelete("connections", connections.stream().map(RstGuard::element).toList()));
        }
    }

    /** Deletes the whole table, with every guard in it; absent already is fine. Call {@link #install} to reuse. */
    public void removeAll() throws IOException {
        apply("add table inet takeover_guard\ndelete table inet takeover_guard\n");
    }

    private void apply(String script) throws IOException {
        ExternalCommand.Result result = command.run(script, "nft", "-f", "-");
        if (!result.ok()) {
            throw result.failure();
        }
    }

    /** Deleting a missing element fails the transaction: adding it first in the same one makes deletion total. */
    private static String addThenDelete(String set, List<String> elements) {
        return elementScript("add", set, elements) + elementScript("delete", set, elements);
    }

    private static String elementScript(String verb, String set, List<String> elements) {
        return verb + " element inet takeover_guard " + set + " { " + String.join(", ", elements) + " }\n";
    }

    private static String elementScript(String verb, String set, String element) {
        return elementScript(verb, set, List.of(element));
    }

    static String element(FourTuple c) {
        return ip(c.localAddress()) + " . " + c.localPort() + " . " + ip(c.remoteAddress()) + " . " + c.remotePort();
    }

    private static String ip(Inet4Address address) {
        return Objects.requireNonNull(address, "address").getHostAddress();
    }
}
