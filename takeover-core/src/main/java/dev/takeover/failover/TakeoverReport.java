package dev.takeover.failover;

import java.util.List;

/**
 * What one VIP takeover did and when: each node logs it as one JSON line, {@code TAKEOVER {...}},
 * which the drill reads for its timeline. Times are epoch milliseconds, 0 for a step not reached.
 *
 * @param vip         the virtual IP
 * @param from        the node that served it
 * @param by          this node
 * @param detected    when the membership change reached this node
 * @param claimed     when the address was on this node's interface (and the first gratuitous ARP out)
 * @param probed      when every client had answered the old-sequence ACK (or every retry was spent)
 * @param rebuilt     when the last socket was rebuilt
 * @param resumed     when every resumed connection had its plan (first bytes on their way)
 * @param connections one line per connection
 */
public record TakeoverReport(String vip, String from, String by, long detected, long claimed, long probed, long rebuilt,
                             long resumed, List<Connection> connections) {

    /**
     * @param connection {@code vip:port-client:port}
     * @param outcome    {@code resumed}, {@code reset} or {@code dropped}
     * @param detail     why, for a reset or a drop; the resume position for a resumed one
     */
    public record Connection(String connection, String outcome, String detail) {}

    public long count(String outcome) {
        return connections.stream().filter(c -> c.outcome().equals(outcome)).count();
    }
}
