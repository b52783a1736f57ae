package dev.takeover.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/** The scalar types of the cluster file, each with the wording its errors are reported in. */
final class ValueTypes {

    static final ValueType<String> NAME = new ValueType<>("a name of lower-case letters, digits and '-'", text -> {
        if (!ClusterSettings.NAME.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a valid name: use only lower-case letters,"
                    + " digits and '-'");
        }
        return text;
    });

    static final ValueType<Integer> PORT = integer("a port number", 1, 65535);

    static final ValueType<Integer> PREFIX = integer("a prefix length", 1, 32);

    static final ValueType<Integer> CONNECTIONS = integer("a connection count", 1, 1_000_000);

    static final ValueType<Duration> DURATION = new ValueType<>("a duration such as 200ms, 2s or 1m",
            Durations::parse)
            .require(d -> !d.isZero(), d -> "must be greater than 0");

    /** The write-behind writer's longest linger: a second is already far beyond any use. */
    static final ValueType<Duration> LINGER = DURATION
            .require(d -> d.compareTo(CheckpointConfig.MAX_LINGER) <= 0, d -> "must be at most 1s");

    static final ValueType<ByteSize> SIZE = new ValueType<>("a size such as 16k, 8m or 1g", ByteSize::parse)
            .require(s -> s.bytes() > 0, s -> "must be greater than 0");

    /** A size that a netty codec takes as an {@code int}. */
    static final ValueType<ByteSize> INT_SIZE = SIZE
            .require(s -> s.bytes() <= Integer.MAX_VALUE, s -> s + " is too large: the limit is 2g - 1 bytes");

    static final ValueType<Boolean> BOOLEAN = new ValueType<>("true or false", text -> switch (text) {
        case "true" -> Boolean.TRUE;
        case "false" -> Boolean.FALSE;
        default -> throw new IllegalArgumentException("'" + text + "' is not a boolean: expected true or false");
    });

    static final ValueType<Ipv4Address> IPV4 = new ValueType<>("an IPv4 address such as 198.18.0.11",
            Ipv4Address::parse);

    static final ValueType<Ipv4Endpoint> ENDPOINT = new ValueType<>("an address:port such as 0.0.0.0:80",
            Ipv4Endpoint::parse);

    static final ValueType<String> INTERFACE = new ValueType<>("a network interface name such as eth0", text -> {
        // Linux limits names to 15 bytes (IFNAMSIZ - 1) and forbids '/' and white space.
        if (text.isEmpty() || text.length() > 15 || text.chars().anyMatch(c -> c == '/' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("'" + text + "' is not a network interface name: 1 to 15 characters"
                    + " without '/' or spaces, e.g. eth0");
        }
        return text;
    });

    static final ValueType<CheckpointConfig.Replication> REPLICATION = new ValueType<>("sync, batched or async",
            text -> switch (text) {
                case "sync" -> CheckpointConfig.Replication.SYNC;
                case "batched" -> CheckpointConfig.Replication.BATCHED;
                case "async" -> CheckpointConfig.Replication.ASYNC;
                default -> throw new IllegalArgumentException("'" + text + "' is not a replication mode: expected"
                        + " sync, batched or async");
            });

    static final ValueType<URI> HTTP_URL = new ValueType<>("an http URL such as http://198.18.0.2:8080", text -> {
        if (!text.contains("://")) {
            throw new IllegalArgumentException("'" + text + "' is not a URL: it must start with http://");
        }
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid URL: " + e.getReason());
        }
        String problem = OriginConfig.urlProblem(url);
        if (problem != null) {
            throw new IllegalArgumentException(problem + " (found '" + text + "')");
        }
        return url;
    });

    static final ValueType<Path> PATH = new ValueType<>("a file path", text -> {
        try {
            if (text.isBlank()) {
                throw new IllegalArgumentException("the path is empty");
            }
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid path: " + e.getReason());
        }
    });

    private ValueTypes() {
    }

    static ValueType<Integer> integer(String what, int min, int max) {
        return new ValueType<>(what + " " + min + ".." + max, text -> {
            if (!text.matches("-?[0-9]+")) {
                throw new IllegalArgumentException("'" + text + "' is not a whole number (expected " + what + " "
                        + min + ".." + max + ")");
            }
            // More than 10 digits is out of any int range; don't let parseLong overflow on it.
            long value = text.replace("-", "").length() > 10 ? Long.MAX_VALUE : Long.parseLong(text);
            if (value < min || value > max) {
                throw new IllegalArgumentException(text + " is out of range: expected " + what + " " + min + ".."
                        + max);
            }
            return (int) value;
        });
    }
}
