package dev.takeover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

class JGroupsStackTest {

    private static final String CLUSTER = """
            cluster:
              name: lab
              bind-port: 7850
            nodes:
              - name: n1
                address: 198.18.0.11
                interface: eth0
              - name: n2
                address: 198.18.0.12
                interface: eth0
              - name: n3
                address: 198.18.0.13
                interface: eth0
            origin:
              url: http://198.18.0.2:8080
            failure-detection:
              heartbeat-interval: 150ms
              timeout: 2s
              verify-timeout: 300ms
              join-timeout: 1m
            """;

    @TempDir
    Path dir;

    private static Document parseXml(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> protocols(Document doc) {
        List<Element> elements = new ArrayList<>();
        NodeList children = doc.getDocumentElement().getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i).getNodeType() == Node.ELEMENT_NODE) {
                elements.add((Element) children.item(i));
            }
        }
        return elements;
    }

    private static Element protocol(Document doc, String name) {
        return protocols(doc).stream().filter(e -> e.getLocalName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void generatesTheStackForTheGivenNode() throws Exception {
        ClusterConfig config = ClusterConfigLoader.parse(CLUSTER, "cluster.yaml");

        Document doc = parseXml(JGroupsStack.xml(config, "n2"));

        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("config");
        assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("urn:org:jgroups");
        assertThat(protocols(doc)).extracting(Element::getLocalName).containsExactly("TCP", "TCPPING", "MERGE3",
                "FD_SOCK2", "FD_ALL3", "VERIFY_SUSPECT2", "pbcast.NAKACK2", "UNICAST3", "pbcast.STABLE", "pbcast.GMS",
                "UFC", "MFC", "FRAG4");
        assertThat(protocols(doc)).allSatisfy(e -> assertThat(e.getNamespaceURI()).isEqualTo("urn:org:jgroups"));
        Element tcp = protocol(doc, "TCP");
        assertThat(tcp.getAttribute("bind_addr")).isEqualTo("198.18.0.12");
        assertThat(tcp.getAttribute("bind_port")).isEqualTo("7850");
        assertThat(tcp.getAttribute("port_range")).isEqualTo("0");
        assertThat(tcp.getAttribute("tcp_nodelay")).isEqualTo("true");
        assertThat(tcp.getAttribute("use_vthreads")).isEqualTo("${takeover.jgroups-virtual-threads:false}");
        Element ping = protocol(doc, "TCPPING");
        assertThat(ping.getAttribute("initial_hosts"))
                .isEqualTo("198.18.0.11[7850],198.18.0.12[7850],198.18.0.13[7850]");
        assertThat(ping.getAttribute("port_range")).isEqualTo("0");
        assertThat(protocol(doc, "FD_ALL3").getAttribute("interval")).isEqualTo("150");
        assertThat(protocol(doc, "FD_ALL3").getAttribute("timeout")).isEqualTo("2000");
        assertThat(protocol(doc, "VERIFY_SUSPECT2").getAttribute("timeout")).isEqualTo("300");
        assertThat(protocol(doc, "pbcast.GMS").getAttribute("join_timeout")).isEqualTo("60000");
        assertThat(protocol(doc, "pbcast.NAKACK2").getAttribute("use_mcast_xmit")).isEqualTo("false");
    }

    @Test
    void eachNodeBindsItsOwnAddressAndListsTheSameMembers() throws Exception {
        ClusterConfig config = ClusterConfigLoader.parse(CLUSTER, "cluster.yaml");

        for (NodeConfig node : config.nodes()) {
            Document doc = parseXml(JGroupsStack.xml(config, node));
            assertThat(protocol(doc, "TCP").getAttribute("bind_addr")).isEqualTo(node.address().toString());
            assertThat(protocol(doc, "TCPPING").getAttribute("initial_hosts"))
                    .isEqualTo("198.18.0.11[7850],198.18.0.12[7850],198.18.0.13[7850]");
        }
    }

    @Test
    void defaultsReachTheStack() throws Exception {
        ClusterConfig config = ClusterConfigLoader.parse("""
                cluster: {name: solo}
                nodes: [{name: only, address: 127.0.0.1, prefix: 8, interface: lo}]
                origin: {url: "http://127.0.0.1:8080"}
                """, "cluster.yaml");

        Document doc = parseXml(JGroupsStack.xml(config, config.singleNode().orElseThrow()));

        assertThat(protocol(doc, "TCP").getAttribute("bind_port")).isEqualTo("7800");
        assertThat(protocol(doc, "TCPPING").getAttribute("initial_hosts")).isEqualTo("127.0.0.1[7800]");
        assertThat(protocol(doc, "FD_ALL3").getAttribute("interval")).isEqualTo("75");
        assertThat(protocol(doc, "FD_ALL3").getAttribute("timeout")).isEqualTo("300");
        assertThat(protocol(doc, "VERIFY_SUSPECT2").getAttribute("timeout")).isEqualTo("100");
        assertThat(protocol(doc, "pbcast.GMS").getAttribute("join_timeout")).isEqualTo("500");
    }

    @Test
    void anExpertFileReplacesTheGeneratedStack() throws IOException {
        String custom = "<config xmlns=\"urn:org:jgroups\"><UDP/><PING/></config>\n";
        Path stack = dir.resolve("stack.xml");
        Files.writeString(stack, custom);
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, CLUSTER.replace("  bind-port: 7850\n", "  bind-port: 7850\n  jgroups-xml: stack.xml\n"));
        ClusterConfig config = ClusterConfigLoader.load(file);

        assertThat(JGroupsStack.xml(config, "n1")).isEqualTo(custom);

        Files.delete(stack);
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> JGroupsStack.xml(config, "n1"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.source()).isEqualTo(stack.toString());
            assertThat(p.message()).startsWith("cannot read the JGroups stack file: java.nio.file.NoSuchFileException");
        });
    }

    @Test
    void refusesANodeOfAnotherCluster() {
        ClusterConfig config = ClusterConfigLoader.parse(CLUSTER, "cluster.yaml");
        NodeConfig stranger = new NodeConfig("n1", Ipv4Address.parse("10.0.0.1"), 24, "eth0", List.of());

        assertThatIllegalArgumentException().isThrownBy(() -> JGroupsStack.xml(config, stranger))
                .withMessage("node n1 is not a node of cluster lab");
        assertThatIllegalArgumentException().isThrownBy(() -> JGroupsStack.xml(config, "n9"))
                .withMessage("cluster lab has no node named n9");
        assertThat(config.cluster().jgroupsXml()).isEqualTo(Optional.empty());
    }
}
