package dev.takeover.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Turns the composed YAML tree of a cluster file into a {@link ClusterConfig}, one section at a time, recording
 * every problem instead of stopping at the first. Not thread-safe: one instance per load.
 */
final class ClusterFileReader {

    static final List<String> TOP_KEYS =
            List.of("cluster", "nodes", "origin", "proxy", "cache", "checkpoint", "failure-detection");
    static final List<String> CLUSTER_KEYS = List.of("name", "jgroups-xml", "bind-port");
    static final List<String> ORIGIN_KEYS =
            List.of("url", "connect-timeout", "response-timeout", "idle-timeout", "max-connections");
    static final List<String> PROXY_KEYS =
            List.of("listen", "header-timeout", "keepalive-timeout", "max-header-size", "max-uri-length");
    static final List<String> CACHE_KEYS = List.of("size", "max-object-size");
    static final List<String> CHECKPOINT_KEYS = List.of("enabled", "interval", "byte-step", "replication", "linger");
    static final List<String> FAILURE_DETECTION_KEYS =
            List.of("heartbeat-interval", "timeout", "verify-timeout", "join-timeout");

    private final Problems problems;
    private final Path baseDirectory;

    /**
     * @param baseDirectory the directory relative {@code jgroups-xml} paths are resolved against
     */
    ClusterFileReader(Problems problems, Path baseDirectory) {
        this.problems = problems;
        this.baseDirectory = baseDirectory;
    }

    /** @return the configuration, or null when a problem has been recorded */
    ClusterConfig read(Node root) {
        int before = problems.count();
        MappingReader top = MappingReader.of(root, "", TOP_KEYS, problems);
        if (top == null) {
            return null;
        }
        ClusterSettings cluster = cluster(top.section("cluster", CLUSTER_KEYS, true));
        List<NodeConfig> nodes = new NodesReader(problems).read(top);
        OriginConfig origin = origin(top.section("origin", ORIGIN_KEYS, true));
        ProxyConfig proxy = proxy(top.section("proxy", PROXY_KEYS, false));
        CacheConfig cache = cache(top.section("cache", CACHE_KEYS, false));
        CheckpointConfig checkpoint = checkpoint(top.section("checkpoint", CHECKPOINT_KEYS, false));
        FailureDetectionConfig failureDetection =
                failureDetection(top.section("failure-detection", FAILURE_DETECTION_KEYS, false));
        if (problems.count() != before) {
            return null;
        }
        return new ClusterConfig(cluster, nodes, origin, proxy, cache, checkpoint, failureDetection);
    }

    private ClusterSettings cluster(MappingReader section) {
        if (section == null) {
            return null;
        }
        int before = problems.count();
        String name = section.required("name", ValueTypes.NAME);
        Path jgroupsXml = section.optional("jgroups-xml", ValueTypes.PATH, null);
        if (jgroupsXml != null) {
            jgroupsXml = existingFile(jgroupsXml, section.locate("jgroups-xml"), section.field("jgroups-xml"));
        }
        Integer bindPort = section.optional("bind-port", ValueTypes.PORT, ClusterSettings.DEFAULT_BIND_PORT);
        return problems.count() != before ? null
                : new ClusterSettings(name, Optional.ofNullable(jgroupsXml), bindPort);
    }

    /** @return {@code file} made absolute against the base directory, or null after reporting it is unusable */
    private Path existingFile(Path file, Node at, String field) {
        Path resolved = baseDirectory.resolve(file).toAbsolutePath().normalize();
        String message;
        if (!Files.exists(resolved)) {
            message = "file " + resolved + " does not exist";
        } else if (!Files.isRegularFile(resolved)) {
            message = resolved + " is not a regular file";
        } else if (!Files.isReadable(resolved)) {
            message = "file " + resolved + " is not readable";
        } else {
            return resolved;
        }
        problems.at(at, field, message);
        return null;
    }

    private OriginConfig origin(MappingReader section) {
        if (section == null) {
            return null;
        }
        int before = problems.count();
        URI url = section.required("url", ValueTypes.HTTP_URL);
        Duration connect = section.optional("connect-timeout", ValueTypes.DURATION,
                OriginConfig.DEFAULT_CONNECT_TIMEOUT);
        Duration response = section.optional("response-timeout", ValueTypes.DURATION,
                OriginConfig.DEFAULT_RESPONSE_TIMEOUT);
        Duration idle = section.optional("idle-timeout", ValueTypes.DURATION, OriginConfig.DEFAULT_IDLE_TIMEOUT);
        Integer maxConnections = section.optional("max-connections", ValueTypes.CONNECTIONS,
                OriginConfig.DEFAULT_MAX_CONNECTIONS);
        return problems.count() != before ? null
                : new OriginConfig(url, connect, response, idle, maxConnections);
    }

    private ProxyConfig proxy(MappingReader section) {
        if (section == null) {
            return null;
        }
        int before = problems.count();
        Ipv4Endpoint listen = section.optional("listen", ValueTypes.ENDPOINT, ProxyConfig.DEFAULT_LISTEN);
        Duration header = section.optional("header-timeout", ValueTypes.DURATION,
                ProxyConfig.DEFAULT_HEADER_TIMEOUT);
        Duration keepalive = section.optional("keepalive-timeout", ValueTypes.DURATION,
                ProxyConfig.DEFAULT_KEEPALIVE_TIMEOUT);
        ByteSize maxHeader = section.optional("max-header-size", ValueTypes.INT_SIZE,
                ProxyConfig.DEFAULT_MAX_HEADER_SIZE);
        ByteSize maxUri = section.optional("max-uri-length", ValueTypes.INT_SIZE,
                ProxyConfig.DEFAULT_MAX_URI_LENGTH);
        return problems.count() != before ? null : new ProxyConfig(listen, header, keepalive, maxHeader, maxUri);
    }

    private CacheConfig cache(MappingReader section) {
        if (section == null) {
            return null;
        }
        int before = problems.count();
        ByteSize size = section.optional("size", ValueTypes.SIZE, CacheConfig.DEFAULT_SIZE);
        ByteSize maxObject = section.optional("max-object-size", ValueTypes.SIZE,
                CacheConfig.DEFAULT_MAX_OBJECT_SIZE);
        if (size != null && maxObject != null && maxObject.compareTo(size) > 0) {
            // Blame the key the user wrote: with only `size: 256m`, the default max-object-size is the one too big.
            String key = section.has("max-object-size") || !section.has("size") ? "max-object-size" : "size";
            problems.at(section.locate(key), section.field(key), "max-object-size " + maxObject
                    + " exceeds the cache size " + size + " (max-object-size must be <= size)");
        }
        return problems.count() != before ? null : new CacheConfig(size, maxObject);
    }

    private CheckpointConfig checkpoint(MappingReader section) {
        if (section == null) {
            return null;
        }
        int before = problems.count();
        Boolean enabled = section.optional("enabled", ValueTypes.BOOLEAN, CheckpointConfig.DEFAULT_ENABLED);
        Duration interval = section.optional("interval", ValueTypes.DURATION, CheckpointConfig.DEFAULT_INTERVAL);
        ByteSize byteStep = section.optional("byte-step", ValueTypes.SIZE, CheckpointConfig.DEFAULT_BYTE_STEP);
        CheckpointConfig.Replication replication = section.optional("replication", ValueTypes.REPLICATION,
                CheckpointConfig.DEFAULT_REPLICATION);
        Duration linger = section.optional("linger", ValueTypes.LINGER, CheckpointConfig.DEFAULT_LINGER);
        return problems.count() != before ? null
                : new CheckpointConfig(enabled, interval, byteStep, replication, linger);
    }

    private FailureDetectionConfig failureDetection(MappingReader section) {
        if (section == null) {
            return null;
        }
        int before = problems.count();
        Duration heartbeat = section.optional("heartbeat-interval", ValueTypes.DURATION,
                FailureDetectionConfig.DEFAULT_HEARTBEAT_INTERVAL);
        Duration timeout = section.optional("timeout", ValueTypes.DURATION, FailureDetectionConfig.DEFAULT_TIMEOUT);
        Duration verify = section.optional("verify-timeout", ValueTypes.DURATION,
                FailureDetectionConfig.DEFAULT_VERIFY_TIMEOUT);
        Duration join = section.optional("join-timeout", ValueTypes.DURATION,
                FailureDetectionConfig.DEFAULT_JOIN_TIMEOUT);
        if (heartbeat != null && timeout != null && timeout.compareTo(heartbeat) <= 0) {
            String key = section.has("timeout") || !section.has("heartbeat-interval") ? "timeout"
                    : "heartbeat-interval";
            problems.at(section.locate(key), section.field(key), "timeout " + Durations.format(timeout)
                    + " must be greater than heartbeat-interval " + Durations.format(heartbeat));
        }
        return problems.count() != before ? null
                : new FailureDetectionConfig(heartbeat, timeout, verify, join);
    }
}
