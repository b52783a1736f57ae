package dev.takeover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigLoaderTest {

    private static final String MINIMAL = """
            cluster:
              name: solo
            nodes:
              - name: only
                address: 198.18.0.11
                interface: eth0
            origin:
              url: http://198.18.0.2
            """;

    @TempDir
    Path dir;

    private static Ipv4Address ip(String text) {
        return Ipv4Address.parse(text);
    }

    @Test
    void readsEveryKeyOfAFullFile() throws IOException {
        Files.writeString(dir.resolve("stack.xml"), "<config/>");
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, """
                # every key, none at its default
                cluster:
                  name: edge-2
                  jgroups-xml: stack.xml
                  bind-port: 7900
                nodes:
                  - name: a1
                    address: 10.20.0.5
                    prefix: 16
                    interface: bond0
                    vips: [10.20.7.1, "10.20.7.2"]
                  - name: a2
                    address: 10.20.0.6
                    prefix: 16
                    interface: ens3
                    vips:
                      - 10.20.7.3
                  - name: a3
                    address: 10.20.0.7
                    prefix: 16
                    interface: ens3
                origin:
                  url: http://origin.example:8081/static/
                  connect-timeout: 1500ms
                  response-timeout: 1m
                  idle-timeout: 45s
                  max-connections: 128
                proxy:
                  listen: 127.0.0.1:8080
                  header-timeout: 5s
                  keepalive-timeout: 2m
                  max-header-size: 32k
                  max-uri-length: 4k
                cache:
                  size: 2g
                  max-object-size: 1g
                checkpoint:
                  enabled: false
                  interval: 1s
                  byte-step: 16m
                  replication: async
                  linger: 5ms
                failure-detection:
                  heartbeat-interval: 250ms
                  timeout: 2s
                  verify-timeout: 1s
                  join-timeout: 3s
                """);

        ClusterConfig config = ClusterConfigLoader.load(file);

        assertThat(config).isEqualTo(new ClusterConfig(
                new ClusterSettings("edge-2", Optional.of(dir.resolve("stack.xml").toAbsolutePath().normalize()),
                        7900),
                List.of(
                        new NodeConfig("a1", ip("10.20.0.5"), 16, "bond0", List.of(ip("10.20.7.1"), ip("10.20.7.2"))),
                        new NodeConfig("a2", ip("10.20.0.6"), 16, "ens3", List.of(ip("10.20.7.3"))),
                        new NodeConfig("a3", ip("10.20.0.7"), 16, "ens3", List.of())),
                new OriginConfig(URI.create("http://origin.example:8081/static/"), Duration.ofMillis(1500),
                        Duration.ofMinutes(1), Duration.ofSeconds(45), 128),
                new ProxyConfig(new Ipv4Endpoint(ip("127.0.0.1"), 8080), Duration.ofSeconds(5), Duration.ofMinutes(2),
                        ByteSize.ofKib(32), ByteSize.ofKib(4)),
                new CacheConfig(ByteSize.ofGib(2), ByteSize.ofGib(1)),
                new CheckpointConfig(false, Duration.ofSeconds(1), ByteSize.ofMib(16),
                        CheckpointConfig.Replication.ASYNC, Duration.ofMillis(5)),
                new FailureDetectionConfig(Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofSeconds(1),
                        Duration.ofSeconds(3))));
        assertThat(config.origin().host()).isEqualTo("origin.example");
        assertThat(config.origin().port()).isEqualTo(8081);
        assertThat(config.origin().pathPrefix()).isEqualTo("/static");
        assertThat(config.origin().hostHeader()).isEqualTo("origin.example:8081");
        assertThat(config.node("a2")).map(NodeConfig::interfaceName).contains("ens3");
        assertThat(config.node("a9")).isEmpty();
        assertThat(config.singleNode()).isEmpty();
        assertThat(config.vips()).containsExactly(ip("10.20.7.1"), ip("10.20.7.2"), ip("10.20.7.3"));
        assertThat(config.initialOwner(ip("10.20.7.3"))).map(NodeConfig::name).contains("a2");
        assertThat(config.initialOwner(ip("10.20.7.9"))).isEmpty();
        assertThat(config.nodes().get(0).subnet()).hasToString("10.20.0.0/16");
    }

    @Test
    void appliesEveryDefaultWhenKeysAreOmitted() {
        ClusterConfig config = ClusterConfigLoader.parse(MINIMAL, "cluster.yaml");

        assertThat(config.cluster().name()).isEqualTo("solo");
        assertThat(config.cluster().jgroupsXml()).isEmpty();
        assertThat(config.cluster().bindPort()).isEqualTo(7800);
        NodeConfig node = config.nodes().getFirst();
        assertThat(node.prefix()).isEqualTo(24);
        assertThat(node.vips()).isEmpty();
        assertThat(config.origin().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.origin().responseTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.origin().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.origin().maxConnections()).isEqualTo(64);
        assertThat(config.origin().port()).isEqualTo(80);
        assertThat(config.origin().pathPrefix()).isEmpty();
        assertThat(config.origin().hostHeader()).isEqualTo("198.18.0.2");
        assertThat(config.proxy().listen()).hasToString("0.0.0.0:80");
        assertThat(config.proxy().headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.proxy().keepaliveTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.proxy().maxHeaderSize().bytes()).isEqualTo(16 * 1024);
        assertThat(config.proxy().maxUriLength().bytes()).isEqualTo(8 * 1024);
        assertThat(config.cache().size().bytes()).isEqualTo(1L << 30);
        assertThat(config.cache().maxObjectSize().bytes()).isEqualTo(512L << 20);
        assertThat(config.checkpoint().enabled()).isTrue();
        assertThat(config.checkpoint().interval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.checkpoint().byteStep().bytes()).isEqualTo(8L << 20);
        assertThat(config.checkpoint().replication()).isEqualTo(CheckpointConfig.Replication.BATCHED);
        assertThat(config.checkpoint().linger()).isEqualTo(Duration.ofMillis(20));
        assertThat(config.failureDetection().heartbeatInterval()).isEqualTo(Duration.ofMillis(75));
        assertThat(config.failureDetection().timeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(config.failureDetection().verifyTimeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.failureDetection().joinTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.proxy()).isEqualTo(ProxyConfig.DEFAULTS);
        assertThat(config.cache()).isEqualTo(CacheConfig.DEFAULTS);
        assertThat(config.checkpoint()).isEqualTo(CheckpointConfig.DEFAULTS);
        assertThat(config.failureDetection()).isEqualTo(FailureDetectionConfig.DEFAULTS);
        assertThat(config.origin()).isEqualTo(OriginConfig.withDefaults(URI.create("http://198.18.0.2")));
        assertThat(config.cluster()).isEqualTo(ClusterSettings.withDefaults("solo"));
        assertThat(config.singleNode()).contains(node);
    }

    @Test
    void sectionsWithEveryKeyCommentedOutTakeTheDefaults() {
        ClusterConfig config = ClusterConfigLoader.parse(MINIMAL + """
                proxy:
                  # listen: 0.0.0.0:8080
                cache:
                checkpoint: {}
                """, "cluster.yaml");

        assertThat(config.proxy()).isEqualTo(ProxyConfig.DEFAULTS);
        assertThat(config.cache()).isEqualTo(CacheConfig.DEFAULTS);
        assertThat(config.checkpoint()).isEqualTo(CheckpointConfig.DEFAULTS);
    }

    @Test
    void yamlAnchorsAndQuotedScalarsAreAccepted() {
        ClusterConfig config = ClusterConfigLoader.parse("""
                cluster: {name: "lab", bind-port: '7801'}
                nodes:
                  - {name: n1, address: 198.18.0.11, interface: &if eth0}
                  - {name: n2, address: 198.18.0.12, interface: *if}
                origin: {url: "http://198.18.0.2:8080"}
                """, "cluster.yaml");

        assertThat(config.cluster().bindPort()).isEqualTo(7801);
        assertThat(config.nodes()).extracting(NodeConfig::interfaceName).containsExactly("eth0", "eth0");
    }

    @Test
    void theExampleFileLoadsAndDocumentsEveryKey() throws IOException {
        String text;
        try (InputStream in = ClusterConfigLoader.class.getResourceAsStream(ClusterConfigLoader.EXAMPLE_RESOURCE)) {
            assertThat(in).as("the example resource").isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        ClusterConfig config = ClusterConfigLoader.parse(text, "cluster.example.yaml");

        assertThat(config.cluster().name()).isEqualTo("lab");
        assertThat(config.nodes()).extracting(NodeConfig::name).containsExactly("n1", "n2", "n3");
        assertThat(config.vips()).hasSize(4);
        assertThat(config.origin().url()).isEqualTo(URI.create("http://198.18.0.2:8080"));
        // The example states every default; they must be the ones the loader applies.
        assertThat(config.proxy()).isEqualTo(ProxyConfig.DEFAULTS);
        assertThat(config.cache()).isEqualTo(CacheConfig.DEFAULTS);
        assertThat(config.checkpoint()).isEqualTo(CheckpointConfig.DEFAULTS);
        assertThat(config.failureDetection()).isEqualTo(FailureDetectionConfig.DEFAULTS);
        List<List<String>> sections = List.of(ClusterFileReader.TOP_KEYS, ClusterFileReader.CLUSTER_KEYS,
                NodesReader.NODE_KEYS, ClusterFileReader.ORIGIN_KEYS, ClusterFileReader.PROXY_KEYS,
                ClusterFileReader.CACHE_KEYS, ClusterFileReader.CHECKPOINT_KEYS,
                ClusterFileReader.FAILURE_DETECTION_KEYS);
        for (List<String> keys : sections) {
            for (String key : keys) {
                assertThat(Pattern.compile("(?m)^[ #-]*" + Pattern.quote(key) + ":").matcher(text).find())
                        .as("the example documents the key %s", key).isTrue();
            }
        }
        // And every "Default X." it states matches what the loader applied above.
        Matcher stated = Pattern.compile("(?m)^\\s*([a-z-]+): (\\S+).*Default (\\S+)\\.$").matcher(text);
        int checked = 0;
        while (stated.find()) {
            assertThat(stated.group(2)).as("the example value of %s", stated.group(1)).isEqualTo(stated.group(3));
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(15);
    }

    @Test
    void loadReportsAMissingFileByName() {
        Path missing = dir.resolve("nope.yaml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ClusterConfigLoader.load(missing));

        assertThat(e.problems()).containsExactly(new ConfigProblem(missing.toString(), 0, 0, "",
                "cannot read the cluster file " + missing.toAbsolutePath() + ": no such file"));
        assertThat(e.getMessage()).isEqualTo(missing + ": cannot read the cluster file " + missing.toAbsolutePath()
                + ": no such file");
    }

    @Test
    void loadReportsADirectory() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ClusterConfigLoader.load(dir));

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.source()).isEqualTo(dir.toString());
            assertThat(p.message()).isEqualTo("cannot read the cluster file " + dir.toAbsolutePath()
                    + ": it is a directory");
        });
    }

    @Test
    void loadReportsBinaryContent() throws IOException {
        Path file = dir.resolve("cluster.yaml");
        Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ClusterConfigLoader.load(file));

        assertThat(e.problems()).extracting(ConfigProblem::message)
                .containsExactly("cannot read the cluster file " + file.toAbsolutePath() + ": it is not valid UTF-8 text");
    }

    @Test
    void loadReportsAnEmptyFile() throws IOException {
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, "\n\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ClusterConfigLoader.load(file));

        assertThat(e.getMessage()).isEqualTo(file + ": the file is empty; expected the sections cluster, nodes and"
                + " origin (see cluster.example.yaml)");
    }

    @Test
    void loadNamesTheFileAsGivenInEveryProblem() throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, MINIMAL.replace("name: solo", "name: Solo"));

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ClusterConfigLoader.load(file));

        assertThat(e.getMessage()).isEqualTo(file + ":2:9: cluster.name: 'Solo' is not a valid name: use only"
                + " lower-case letters, digits and '-'");
    }

    @Test
    void relativeJGroupsXmlIsResolvedAgainstTheClusterFile() throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("stack.xml"), "<config/>");
        Path file = conf.resolve("cluster.yaml");
        Files.writeString(file, MINIMAL.replace("  name: solo\n", "  name: solo\n  jgroups-xml: stack.xml\n"));

        assertThat(ClusterConfigLoader.load(file).cluster().jgroupsXml()).contains(conf.resolve("stack.xml"));

        // parse() without a base directory resolves against the working directory, where there is no stack.xml.
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ClusterConfigLoader.parse(Files.readString(file), "cluster.yaml"));
        assertThat(e.problems()).extracting(ConfigProblem::field).containsExactly("cluster.jgroups-xml");
        assertThat(ClusterConfigLoader.parse(Files.readString(file), "cluster.yaml", conf).cluster().jgroupsXml())
                .contains(conf.resolve("stack.xml"));
    }

    @Test
    void recordsGuardTheirOwnInvariants() {
        NodeConfig n1 = new NodeConfig("n1", ip("198.18.0.11"), 24, "eth0", List.of());
        assertThatIllegalArgumentException().isThrownBy(
                () -> new NodeConfig("n1", ip("198.18.0.11"), 24, "eth0", List.of(ip("198.18.1.1"))));
        assertThatIllegalArgumentException().isThrownBy(() -> new ClusterConfig(ClusterSettings.withDefaults("c"),
                List.of(n1, n1), OriginConfig.withDefaults(URI.create("http://o")), ProxyConfig.DEFAULTS,
                CacheConfig.DEFAULTS, CheckpointConfig.DEFAULTS, FailureDetectionConfig.DEFAULTS));
        assertThatIllegalArgumentException().isThrownBy(() -> new CacheConfig(ByteSize.ofMib(1), ByteSize.ofMib(2)));
        assertThatIllegalArgumentException().isThrownBy(() -> new FailureDetectionConfig(Duration.ofMillis(100),
                Duration.ofMillis(100), Duration.ofMillis(1), Duration.ofMillis(1)));
        assertThatIllegalArgumentException().isThrownBy(() -> OriginConfig.withDefaults(URI.create("https://o")));
        assertThatIllegalArgumentException().isThrownBy(() -> ClusterSettings.withDefaults("Bad"));
    }
}
