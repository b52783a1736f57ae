package dev.takeover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One case per validation rule: each broken file must yield exactly the expected problem, located exactly. */
class ClusterConfigValidationTest {

    /** A valid file; cases edit one line or append a section (appended text starts on line 15). */
    private static final String BASE = """
            cluster:
              name: lab
              bind-port: 7800
            nodes:
              - name: n1
                address: 198.18.0.11
                interface: eth0
                vips: [198.18.0.101]
              - name: n2
                address: 198.18.0.12
                interface: eth1
                vips: [198.18.0.102]
            origin:
              url: http://198.18.0.2:8080
            """;

    private static final String TOP_KEYS = "cluster, nodes, origin, proxy, cache, checkpoint, failure-detection";

    @Test
    void baseIsValid() {
        assertThat(ClusterConfigLoader.parse(BASE, "cluster.yaml").nodes()).hasSize(2);
    }

    private static String edit(String from, String to) {
        assertThat(BASE).contains(from);
        return BASE.replace(from, to);
    }

    private static String replaceNodes(String text) {
        return BASE.substring(0, BASE.indexOf("nodes:")) + text + BASE.substring(BASE.indexOf("origin:"));
    }

    private static String append(String text) {
        return BASE + text;
    }

    private static Arguments fails(String name, String yaml, int line, int column, String field, String message) {
        return Arguments.of(name, yaml, new ConfigProblem("cluster.yaml", line, column, field, message));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // YAML itself
                fails("empty file", "", 0, 0, "",
                        "the file is empty; expected the sections cluster, nodes and origin (see cluster.example.yaml)"),
                fails("only comments", "# nothing yet\n", 0, 0, "",
                        "the file is empty; expected the sections cluster, nodes and origin (see cluster.example.yaml)"),
                fails("top level is a list", "- cluster\n- nodes\n", 1, 1, "",
                        "expected a mapping with the keys " + TOP_KEYS + ", found a list"),
                fails("tab indentation", append("cache:\n\tsize: 1g\n"), 16, 1, "",
                        "YAML syntax error: while scanning for the next token: found character '\\t(TAB)' that cannot"
                                + " start any token. (Do not use \\t(TAB) for indentation)"),
                fails("unclosed flow sequence", edit("vips: [198.18.0.102]", "vips: [198.18.0.102"), 13, 7, "",
                        "YAML syntax error: while parsing a flow sequence (from line 12): expected ',' or ']',"
                                + " but got :"),
                fails("bad indentation", append("cache:\n  size: 1g\n   max-object-size: 1m\n"), 17, 19, "",
                        "YAML syntax error: mapping values are not allowed here"),
                fails("two documents", append("---\ncluster: {}\n"), 15, 1, "",
                        "YAML syntax error: expected a single document in the stream (from line 1): but found another"
                                + " document"),
                // keys
                fails("unknown key, close to a known one", append("proxy:\n  listn: 0.0.0.0:80\n"), 16, 3,
                        "proxy.listn", "unknown key (did you mean 'listen'?)"),
                fails("unknown key in snake_case", edit("  bind-port: 7800", "  bind_port: 7800"), 3, 3,
                        "cluster.bind_port", "unknown key (did you mean 'bind-port'?)"),
                fails("unknown key, nothing close", append("proxy:\n  colour: blue\n"), 16, 3, "proxy.colour",
                        "unknown key (expected one of: listen, header-timeout, keepalive-timeout, max-header-size,"
                                + " max-uri-length)"),
                fails("unknown top-level key", append("failure-detect: {}\n"), 15, 1, "failure-detect",
                        "unknown key (did you mean 'failure-detection'?)"),
                fails("unknown node key", edit("    vips: [198.18.0.102]", "    vip: [198.18.0.102]"), 12, 5,
                        "nodes[1].vip", "unknown key (did you mean 'vips'?)"),
                fails("duplicate key", append("cache:\n  size: 1g\n  size: 2g\n"), 17, 3, "cache.size",
                        "duplicate key (first at line 16)"),
                fails("non-string key", append("cache:\n  ? [a, b]\n  : 1\n"), 16, 5, "cache",
                        "a key must be a plain string, found a list"),
                // missing required
                fails("missing cluster", edit("cluster:\n  name: lab\n  bind-port: 7800\n", ""), 1, 1, "cluster",
                        "missing required key"),
                fails("missing cluster name", edit("  name: lab\n", ""), 2, 3, "cluster.name",
                        "missing required key"),
                fails("missing nodes", replaceNodes(""), 1, 1, "nodes", "missing required key"),
                fails("missing node address", edit("    address: 198.18.0.12\n", ""), 9, 5, "nodes[1].address",
                        "missing required key"),
                fails("missing node interface", edit("    interface: eth1\n", ""), 9, 5, "nodes[1].interface",
                        "missing required key"),
                fails("missing origin", edit("origin:\n  url: http://198.18.0.2:8080\n", ""), 1, 1, "origin",
                        "missing required key"),
                fails("missing origin url", edit("  url: http://198.18.0.2:8080", "  max-connections: 8"), 14, 3,
                        "origin.url", "missing required key"),
                fails("origin with no value", edit("  url: http://198.18.0.2:8080\n", ""), 13, 8,
                        "origin.url", "missing required key"),
                fails("required value left empty", edit("  url: http://198.18.0.2:8080", "  url:"), 14, 7,
                        "origin.url", "no value given (expected an http URL such as http://198.18.0.2:8080)"),
                // wrong types
                fails("section is a scalar", append("proxy: fast\n"), 15, 8, "proxy",
                        "expected a mapping with the keys listen, header-timeout, keepalive-timeout, max-header-size,"
                                + " max-uri-length, found 'fast'"),
                fails("scalar is a mapping", append("cache:\n  size: {a: 1}\n"), 16, 9, "cache.size",
                        "expected a size such as 16k, 8m or 1g, found a mapping"),
                fails("scalar is a list", edit("  bind-port: 7800", "  bind-port: [7800]"), 3, 14,
                        "cluster.bind-port", "expected a port number 1..65535, found a list"),
                fails("nodes is a mapping", replaceNodes("nodes: {}\n"), 4, 8, "nodes",
                        "expected a list of nodes, found a mapping"),
                fails("node is a scalar", edit("  - name: n1\n    address: 198.18.0.11\n    interface: eth0\n"
                        + "    vips: [198.18.0.101]\n", "  - n1\n"), 5, 5, "nodes[0]",
                        "expected a mapping with the keys name, address, prefix, interface, vips, found 'n1'"),
                fails("vips is a scalar", edit("vips: [198.18.0.102]", "vips: 198.18.0.102"), 12, 11,
                        "nodes[1].vips", "expected a list of IPv4 addresses, found '198.18.0.102'"),
                // names and numbers
                fails("bad cluster name", edit("name: lab", "name: Lab"), 2, 9, "cluster.name",
                        "'Lab' is not a valid name: use only lower-case letters, digits and '-'"),
                fails("bad node name", edit("name: n2", "name: n_2"), 9, 11, "nodes[1].name",
                        "'n_2' is not a valid name: use only lower-case letters, digits and '-'"),
                fails("port not a number", edit("bind-port: 7800", "bind-port: abc"), 3, 14, "cluster.bind-port",
                        "'abc' is not a whole number (expected a port number 1..65535)"),
                fails("port too large", edit("bind-port: 7800", "bind-port: 70000"), 3, 14, "cluster.bind-port",
                        "70000 is out of range: expected a port number 1..65535"),
                fails("port zero", edit("bind-port: 7800", "bind-port: 0"), 3, 14, "cluster.bind-port",
                        "0 is out of range: expected a port number 1..65535"),
                fails("port far too large", edit("bind-port: 7800", "bind-port: 123456789012345678901234"), 3, 14,
                        "cluster.bind-port", "123456789012345678901234 is out of range: expected a port number 1..65535"),
                fails("prefix out of range", edit("    interface: eth1\n", "    interface: eth1\n    prefix: 33\n"),
                        12, 13, "nodes[1].prefix", "33 is out of range: expected a prefix length 1..32"),
                fails("bad interface", edit("interface: eth1", "interface: eth 1"), 11, 16, "nodes[1].interface",
                        "'eth 1' is not a network interface name: 1 to 15 characters without '/' or spaces, e.g. eth0"),
                fails("interface name too long", edit("interface: eth1", "interface: a-very-long-interface"), 11, 16,
                        "nodes[1].interface", "'a-very-long-interface' is not a network interface name: 1 to 15"
                                + " characters without '/' or spaces, e.g. eth0"),
                // addresses
                fails("bad node address", edit("198.18.0.12\n", "198.18.0.256\n"), 10, 14, "nodes[1].address",
                        "'198.18.0.256' is not an IPv4 address: expected four decimal numbers 0..255 separated by dots,"
                                + " e.g. 198.18.0.11"),
                fails("duplicate node name", edit("name: n2", "name: n1"), 9, 11, "nodes[1].name",
                        "duplicate node name 'n1', already used by nodes[0].name (line 5)"),
                fails("duplicate node address", edit("198.18.0.12\n", "198.18.0.11\n"), 10, 14, "nodes[1].address",
                        "duplicate node address 198.18.0.11, already the address of node n1 (nodes[0].address, line 6)"),
                fails("node address is the network address", edit("198.18.0.12\n", "198.18.0.0\n"), 10, 14,
                        "nodes[1].address",
                        "198.18.0.0 is the network address of the subnet 198.18.0.0/24, not a host address"),
                fails("bad VIP", edit("[198.18.0.102]", "[198.18.0.x]"), 12, 12, "nodes[1].vips[0]",
                        "'198.18.0.x' is not an IPv4 address: expected four decimal numbers 0..255 separated by dots,"
                                + " e.g. 198.18.0.11"),
                fails("VIP outside the subnet", edit("[198.18.0.102]", "[198.18.1.5]"), 12, 12, "nodes[1].vips[0]",
                        "198.18.1.5 is outside the node's subnet 198.18.0.0/24"),
                fails("VIP outside a narrower subnet",
                        edit("    interface: eth1\n", "    interface: eth1\n    prefix: 29\n"),
                        13, 12, "nodes[1].vips[0]", "198.18.0.102 is outside the node's subnet 198.18.0.8/29"),
                fails("VIP is the broadcast address", edit("[198.18.0.102]", "[198.18.0.255]"), 12, 12,
                        "nodes[1].vips[0]",
                        "198.18.0.255 is the broadcast address of the subnet 198.18.0.0/24, not a host address"),
                fails("VIP duplicated across nodes", edit("[198.18.0.102]", "[198.18.0.101]"), 12, 12,
                        "nodes[1].vips[0]", "duplicate VIP 198.18.0.101, already listed at nodes[0].vips[0] (line 8)"),
                fails("VIP duplicated within a node", edit("[198.18.0.102]", "[198.18.0.102, 198.18.0.102]"), 12, 26,
                        "nodes[1].vips[1]", "duplicate VIP 198.18.0.102, already listed at nodes[1].vips[0] (line 12)"),
                fails("VIP is another node's address", edit("[198.18.0.102]", "[198.18.0.11]"), 12, 12,
                        "nodes[1].vips[0]",
                        "198.18.0.11 is the address of node n1 (nodes[0].address, line 6); a VIP must not be a node address"),
                fails("VIP is a later node's address", edit("[198.18.0.101]", "[198.18.0.12]"), 8, 12,
                        "nodes[0].vips[0]",
                        "198.18.0.12 is the address of node n2 (nodes[1].address, line 10); a VIP must not be a node address"),
                // origin
                fails("https origin", edit("http://198.18.0.2:8080", "https://198.18.0.2"), 14, 8, "origin.url",
                        "https is not supported; the origin must be a plain http:// URL (found 'https://198.18.0.2')"),
                fails("ftp origin", edit("http://198.18.0.2:8080", "ftp://198.18.0.2"), 14, 8, "origin.url",
                        "the scheme must be http, not ftp (found 'ftp://198.18.0.2')"),
                fails("origin without scheme", edit("http://198.18.0.2:8080", "198.18.0.2:8080"), 14, 8, "origin.url",
                        "'198.18.0.2:8080' is not a URL: it must start with http://"),
                fails("origin with query", edit("http://198.18.0.2:8080", "http://198.18.0.2/?a=1"), 14, 8,
                        "origin.url", "the URL must not contain a query (found 'http://198.18.0.2/?a=1')"),
                fails("origin with user info", edit("http://198.18.0.2:8080", "http://u:p@198.18.0.2"), 14, 8,
                        "origin.url", "the URL must not contain user info (found 'http://u:p@198.18.0.2')"),
                fails("origin without host", edit("http://198.18.0.2:8080", "http:///path"), 14, 8, "origin.url",
                        "the URL has no valid host (found 'http:///path')"),
                fails("origin with bad port", edit("http://198.18.0.2:8080", "http://198.18.0.2:99999"), 14, 8,
                        "origin.url", "the port must be 1..65535 (found 'http://198.18.0.2:99999')"),
                fails("origin not a URL", edit("http://198.18.0.2:8080", "http://a b"), 14, 8, "origin.url",
                        "'http://a b' is not a valid URL: Illegal character in authority"),
                fails("duration without unit", append("  connect-timeout: 2\n"), 15, 20, "origin.connect-timeout",
                        "'2' is not a duration: expected a whole number followed by ms, s or m, e.g. 200ms, 2s, 1m"
                                + " (the unit is missing)"),
                fails("duration with unknown unit", append("  idle-timeout: 1h\n"), 15, 17, "origin.idle-timeout",
                        "'1h' is not a duration: expected a whole number followed by ms, s or m, e.g. 200ms, 2s, 1m"),
                fails("zero duration", append("  response-timeout: 0s\n"), 15, 21, "origin.response-timeout",
                        "must be greater than 0"),
                fails("zero connections", append("  max-connections: 0\n"), 15, 20, "origin.max-connections",
                        "0 is out of range: expected a connection count 1..1000000"),
                // proxy
                fails("listen without port", append("proxy:\n  listen: 0.0.0.0\n"), 16, 11, "proxy.listen",
                        "'0.0.0.0' is not an address:port pair, e.g. 0.0.0.0:80"),
                fails("listen with a named port", append("proxy:\n  listen: 0.0.0.0:http\n"), 16, 11, "proxy.listen",
                        "'http' is not a port: expected 0..65535"),
                fails("listen on a host name", append("proxy:\n  listen: localhost:80\n"), 16, 11, "proxy.listen",
                        "'localhost' is not an IPv4 address: expected four decimal numbers 0..255 separated by dots,"
                                + " e.g. 198.18.0.11"),
                fails("bad size", append("proxy:\n  max-header-size: 16kb\n"), 16, 20, "proxy.max-header-size",
                        "'16kb' is not a size: expected a whole number with an optional k, m or g suffix (powers of"
                                + " 1024), e.g. 16k, 8m, 1g"),
                fails("size beyond an int", append("proxy:\n  max-uri-length: 2g\n"), 16, 19, "proxy.max-uri-length",
                        "2g is too large: the limit is 2g - 1 bytes"),
                fails("bad header timeout", append("proxy:\n  header-timeout: soon\n"), 16, 19, "proxy.header-timeout",
                        "'soon' is not a duration: expected a whole number followed by ms, s or m, e.g. 200ms, 2s, 1m"),
                // cache
                fails("max-object-size above size", append("cache:\n  size: 256m\n  max-object-size: 512m\n"), 17, 20,
                        "cache.max-object-size",
                        "max-object-size 512m exceeds the cache size 256m (max-object-size must be <= size)"),
                fails("size below the default max-object-size", append("cache:\n  size: 256m\n"), 16, 9, "cache.size",
                        "max-object-size 512m exceeds the cache size 256m (max-object-size must be <= size)"),
                fails("zero cache size", append("cache:\n  size: 0\n"), 16, 9, "cache.size",
                        "must be greater than 0"),
                // checkpoint
                fails("bad boolean", append("checkpoint:\n  enabled: yes\n"), 16, 12, "checkpoint.enabled",
                        "'yes' is not a boolean: expected true or false"),
                fails("bad replication", append("checkpoint:\n  replication: quorum\n"), 16, 16,
                        "checkpoint.replication", "'quorum' is not a replication mode: expected sync, batched or async"),
                fails("interval without unit", append("checkpoint:\n  interval: 200\n"), 16, 13, "checkpoint.interval",
                        "'200' is not a duration: expected a whole number followed by ms, s or m, e.g. 200ms, 2s, 1m"
                                + " (the unit is missing)"),
                fails("linger over a second", append("checkpoint:\n  linger: 2s\n"), 16, 11, "checkpoint.linger",
                        "must be at most 1s"),
                fails("zero linger", append("checkpoint:\n  linger: 0ms\n"), 16, 11, "checkpoint.linger",
                        "must be greater than 0"),
                fails("bad byte step", append("checkpoint:\n  byte-step: 8 MB\n"), 16, 14, "checkpoint.byte-step",
                        "'8 MB' is not a size: expected a whole number with an optional k, m or g suffix (powers of"
                                + " 1024), e.g. 16k, 8m, 1g"),
                // failure detection
                fails("timeout equal to heartbeat", append("failure-detection:\n  heartbeat-interval: 500ms\n"
                        + "  timeout: 500ms\n"), 17, 12, "failure-detection.timeout",
                        "timeout 500ms must be greater than heartbeat-interval 500ms"),
                fails("heartbeat above the default timeout", append("failure-detection:\n  heartbeat-interval: 1s\n"),
                        16, 23, "failure-detection.heartbeat-interval",
                        "timeout 300ms must be greater than heartbeat-interval 1s"),
                fails("bad verify timeout", append("failure-detection:\n  verify-timeout: -200ms\n"), 16, 19,
                        "failure-detection.verify-timeout",
                        "'-200ms' is not a duration: expected a whole number followed by ms, s or m, e.g. 200ms, 2s, 1m"),
                // jgroups-xml
                fails("missing jgroups-xml file", edit("  bind-port: 7800", "  jgroups-xml: /nonexistent/stack.xml"),
                        3, 16, "cluster.jgroups-xml", "file /nonexistent/stack.xml does not exist"),
                fails("jgroups-xml is a directory", edit("  bind-port: 7800", "  jgroups-xml: /"), 3, 16,
                        "cluster.jgroups-xml", "/ is not a regular file"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsTheProblemWhereItIs(String name, String yaml, ConfigProblem expected) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ClusterConfigLoader.parse(yaml, "cluster.yaml"));
        assertThat(e).as("a ConfigException for: %s", name).isNotNull();
        assertThat(e.problems()).containsExactly(expected);
        assertThat(e.getMessage()).isEqualTo(expected.toString());
    }

    @Test
    void tooManyNodes() {
        String nodes = IntStream.range(0, 33)
                .mapToObj(i -> "  - {name: n" + i + ", address: 198.18.0." + (i + 1) + ", interface: eth0}\n")
                .collect(Collectors.joining());
        String yaml = "cluster:\n  name: lab\nnodes:\n" + nodes + "origin:\n  url: http://198.18.0.200\n";

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ClusterConfigLoader.parse(yaml, "cluster.yaml"));

        assertThat(e.problems()).containsExactly(
                new ConfigProblem("cluster.yaml", 4, 3, "nodes", "at most 32 nodes are supported, found 33"));
    }

    @Test
    void noNodes() {
        String yaml = "cluster:\n  name: lab\nnodes: []\norigin:\n  url: http://198.18.0.200\n";

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ClusterConfigLoader.parse(yaml, "cluster.yaml"));

        assertThat(e.problems()).containsExactly(
                new ConfigProblem("cluster.yaml", 3, 8, "nodes", "at least one node is required"));
    }

    @Test
    void collectsEveryProblemInFileOrder() {
        String yaml = """
                cluster:
                  name: Lab
                  bindport: 7800
                nodes:
                  - name: n1
                    address: 198.18.0.11
                    interface: eth0
                    vips: [198.18.0.101, 198.18.1.5]
                  - name: n1
                    address: 198.18.0.11
                    interface: eth0
                    vips: [198.18.0.101]
                origin:
                  url: https://origin
                cache:
                  size: 1m
                failure-detection:
                  timeout: 50ms
                """;

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ClusterConfigLoader.parse(yaml, "cluster.yaml"));

        assertThat(e.getMessage()).isEqualTo("""
                cluster.yaml:2:9: cluster.name: 'Lab' is not a valid name: use only lower-case letters, digits and '-'
                cluster.yaml:3:3: cluster.bindport: unknown key (did you mean 'bind-port'?)
                cluster.yaml:8:26: nodes[0].vips[1]: 198.18.1.5 is outside the node's subnet 198.18.0.0/24
                cluster.yaml:9:11: nodes[1].name: duplicate node name 'n1', already used by nodes[0].name (line 5)
                cluster.yaml:10:14: nodes[1].address: duplicate node address 198.18.0.11, already the address of \
                node n1 (nodes[0].address, line 6)
                cluster.yaml:12:12: nodes[1].vips[0]: duplicate VIP 198.18.0.101, already listed at \
                nodes[0].vips[0] (line 8)
                cluster.yaml:14:8: origin.url: https is not supported; the origin must be a plain http:// URL \
                (found 'https://origin')
                cluster.yaml:16:9: cache.size: max-object-size 512m exceeds the cache size 1m (max-object-size \
                must be <= size)
                cluster.yaml:18:12: failure-detection.timeout: timeout 50ms must be greater than heartbeat-interval \
                75ms
                """.strip());
    }
}
