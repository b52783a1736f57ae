package dev.takeover.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code cluster} section: the cluster's identity and its JGroups transport.
 *
 * <pre>{@code
 * cluster:
 *   name: lab
 *   bind-port: 7800
 *   # jgroups-xml: /etc/takeover/stack.xml
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name       key {@code cluster.name}, <b>required</b>: the cluster's name, matching {@code [a-z0-9-]+}.
 *                   Nodes only join a cluster of the same name.
 * @param jgroupsXml key {@code cluster.jgroups-xml}, optional, no default: an expert override, the path of a
 *                   JGroups XML stack file used verbatim instead of the generated stack (see {@link JGroupsStack}).
 *                   A relative path is resolved against the directory of the cluster file. The file must exist
 *                   when the cluster file is loaded. The value held here is absolute and normalized.
 * @param bindPort   key {@code cluster.bind-port}, default {@value #DEFAULT_BIND_PORT}: the JGroups TCP port every
 *                   node listens on at its node address, 1..65535. The same port on every node lets the generated
 *                   stack list all members without port ranges.
 */
public record ClusterSettings(String name, Optional<Path> jgroupsXml, int bindPort) {

    /** Default of {@code cluster.bind-port}. */
    public static final int DEFAULT_BIND_PORT = 7800;

    static final Pattern NAME = Pattern.compile("[a-z0-9-]+");

    /**
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code name} does not match {@code [a-z0-9-]+} or {@code bindPort} is
     *                                  outside 1..65535
     */
    public ClusterSettings {
        Objects.requireNonNull(jgroupsXml, "jgroupsXml");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("cluster name must match [a-z0-9-]+: " + name);
        }
        if (bindPort < 1 || bindPort > 65535) {
            throw new IllegalArgumentException("bind port must be 1..65535: " + bindPort);
        }
    }

    /** @return settings named {@code name} with every optional key at its default */
    public static ClusterSettings withDefaults(String name) {
        return new ClusterSettings(name, Optional.empty(), DEFAULT_BIND_PORT);
    }
}
