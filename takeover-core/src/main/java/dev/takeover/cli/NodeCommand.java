package dev.takeover.cli;

import dev.takeover.config.ClusterConfig;
import dev.takeover.config.ClusterConfigLoader;
import dev.takeover.config.Ipv4Endpoint;
import dev.takeover.config.NodeConfig;
import dev.takeover.node.NodeRuntime;
import dev.takeover.proxy.ProxyServer;
import dev.takeover.proxy.ProxySettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code takeover node}: runs one proxy node, from the cluster file or, for a quick try, from two options. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Run a caching reverse proxy node.",
        footer = {"", "Examples:", "  takeover node --config cluster.yaml --name n1",
                "  takeover node --listen 127.0.0.1:8080 --origin http://127.0.0.1:9000"})
final class NodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @ArgGroup(exclusive = false)
        FromFile file;
        @ArgGroup(exclusive = false)
        Quick quick;
    }

    static final class FromFile {
        @Option(names = "--config", required = true, paramLabel = "FILE", description = "The cluster file (YAML).")
        Path config;
        @Option(names = "--name", paramLabel = "NODE", description = "Which node of the file this is; optional if it has one node.")
        String name;
    }

    static final class Quick {
        @Option(names = "--listen", required = true, paramLabel = "ADDR:PORT", description = "Where clients connect.")
        String listen;
        @Option(names = "--origin", required = true, paramLabel = "URL", description = "The origin, http://host[:port].")
        URI origin;
        @Option(names = "--cache-size", paramLabel = "SIZE", description = "Cache size, e.g. 1g (default 1g).")
        ByteSizeArg cacheSize;
        @Option(names = "--max-object-size", paramLabel = "SIZE", description = "Larger objects pass uncached (default 512m).")
        ByteSizeArg maxObjectSize;
    }

    @Override
    public Integer call() throws Exception {
        if (source.file != null) {
            return clustered(source.file);
        }
        ProxySettings settings = quick(source.quick);
        ProxyServer server = ProxyServer.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        spec.commandLine().getOut().printf("node listening on %s, origin %s%n", server.address(), settings.upstream().origin());
        spec.commandLine().getOut().flush();
        server.awaitClose();
        return 0;
    }

    /** One node of the cluster file: joins the cluster, checkpoints, takes over. */
    private int clustered(FromFile f) throws Exception {
        ClusterConfig cluster = ClusterConfigLoader.load(f.config);
        NodeConfig node = f.name != null
                ? cluster.node(f.name).orElseThrow(() -> new ParameterException(spec.commandLine(),
                        "no node named '" + f.name + "' in " + f.config + "; it has " + names(cluster)))
                : cluster.singleNode().orElseThrow(() -> new ParameterException(spec.commandLine(),
                        f.config + " has several nodes (" + names(cluster) + "): say which with --name"));
        NodeRuntime runtime = NodeRuntime.start(cluster, node);
        Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "shutdown"));
        spec.commandLine().getOut().printf("node %s listening on %s, cluster %s%n", node.name(),
                runtime.proxy().address(), cluster.cluster().name());
        spec.commandLine().getOut().flush();
        runtime.awaitClose();
        return 0;
    }

    private ProxySettings quick(Quick q) {
        ProxySettings settings;
        try {
            settings = ProxySettings.of(Ipv4Endpoint.parse(q.listen).toInetSocketAddress(), q.origin);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (q.cacheSize != null || q.maxObjectSize != null) {
            long size = q.cacheSize != null ? q.cacheSize.bytes() : settings.cacheBytes();
            long max = q.maxObjectSize != null ? q.maxObjectSize.bytes() : Math.min(size, settings.maxObjectSize());
            settings = settings.withCache(size, max);
        }
        return settings;
    }

    private static String names(ClusterConfig cluster) {
        return String.join(", ", cluster.nodes().stream().map(NodeConfig::name).toList());
    }
}
