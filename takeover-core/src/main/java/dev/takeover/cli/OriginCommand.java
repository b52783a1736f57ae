package dev.takeover.cli;

import dev.takeover.config.Ipv4Endpoint;
import dev.takeover.origin.OriginServer;
import dev.takeover.origin.OriginSettings;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code takeover origin}: the embedded origin, for the lab, drills, benchmarks and trying things out. */
@Command(name = "origin", mixinStandardHelpOptions = true,
        description = {"Run the embedded HTTP origin: files from --dir, and deterministic objects at /synthetic/<size>",
                "(e.g. /synthetic/256m; an extra path segment or a query makes a distinct object)."})
final class OriginCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--listen", required = true, paramLabel = "ADDR:PORT", description = "Where to listen.")
    String listen;

    @Option(names = "--dir", paramLabel = "DIR", description = "Serve the files under this directory.")
    Path dir;

    @Option(names = "--rate", paramLabel = "SIZE", description = "Bandwidth limit per connection, bytes per second (e.g. 10m).")
    ByteSizeArg rate;

    @Override
    public Integer call() throws Exception {
        OriginSettings settings;
        try {
            settings = new OriginSettings(Ipv4Endpoint.parse(listen).toInetSocketAddress(), Optional.ofNullable(dir),
                    rate == null ? 0 : rate.bytes());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        OriginServer server = OriginServer.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        spec.commandLine().getOut().printf("origin listening on %s%n", server.address());
        spec.commandLine().getOut().flush();
        server.awaitClosed();
        return 0;
    }
}
