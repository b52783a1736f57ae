package dev.takeover.lab;

import java.util.List;

/**
 * The lab as it is now; {@code lab status --json} prints exactly this record (field names are a
 * stable interface, documented in the README).
 *
 * @param up     whether the lab's namespaces exist
 * @param origin the origin host
 * @param client the host drills and load tests run from
 * @param nodes  the proxy nodes, in order
 */
public record LabStatus(boolean up, HostStatus origin, HostStatus client, List<NodeStatus> nodes) {

    /** @param url the origin's URL (origin only, else null) */
    public record HostStatus(String namespace, String address, Long pid, boolean alive, String url) {}

    /**
     * @param configuredVips the VIPs the node serves first, by the cluster file
     * @param vips           the VIPs on its interface now
     * @param listening      whether its proxy port is open
     * @param link           whether its link to the bridge is up
     */
    public record NodeStatus(String name, String namespace, String address, List<String> configuredVips,
                             List<String> vips, Long pid, boolean alive, boolean listening, boolean link) {
        @com.fasterxml.jackson.annotation.JsonProperty("healthy")
        public boolean healthy() {
            return alive && listening && link;
        }
    }
}
