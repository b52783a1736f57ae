package dev.takeover.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.takeover.lab.Lab;
import dev.takeover.lab.LabStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code takeover lab ...}: the lab network of namespaces with an origin, the nodes and a client. Needs root. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Build and drive the lab: namespaces tko-lan (bridge), tko-origin, tko-n1..N, tko-client on 198.18.0.0/24.",
        subcommands = {LabCommand.Up.class, LabCommand.Status.class, LabCommand.Crash.class, LabCommand.Revive.class,
                LabCommand.Down.class})
final class LabCommand {
    @Spec
    CommandSpec spec;

    Lab lab() {
        String home = System.getProperty("takeover.home");
        if (home == null) {
            throw new IllegalStateException("takeover.home is not set: run the lab through bin/takeover");
        }
        return Lab.of(Path.of(home), spec.commandLine().getOut());
    }

    @Command(name = "up", description = "Build the lab (replacing any leftover), start the origin and the nodes, wait until ready.")
    static final class Up implements Callable<Integer> {
        @ParentCommand
        LabCommand parent;
        @Option(names = "--nodes", defaultValue = "3", description = "How many nodes (default ${DEFAULT-VALUE}).")
        int nodes;

        @Override
        public Integer call() {
            parent.lab().up(nodes);
            return 0;
        }
    }

    @Command(name = "status", description = "Namespaces, addresses, the VIPs each node owns now, pids and health.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        LabCommand parent;
        @Option(names = "--json", description = "Print the stable JSON form (see the README).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            LabStatus s = parent.lab().status();
            PrintWriter out = parent.spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s));
            } else if (!s.up()) {
                out.println("no lab is up (takeover lab up)");
            } else {
                out.printf("origin  %-11s %-15s pid %-7s %s  %s%n", s.origin().namespace(), s.origin().address(),
                        s.origin().pid(), s.origin().alive() ? "alive" : "DEAD", s.origin().url());
                out.printf("client  %-11s %s%n", s.client().namespace(), s.client().address());
                for (LabStatus.NodeStatus n : s.nodes()) {
                    out.printf("%-7s %-11s %-15s pid %-7s %-8s link %-4s vips %s%n", n.name(), n.namespace(), n.address(), n.pid(),
                            n.healthy() ? "healthy" : !n.alive() ? "DEAD" : !n.listening() ? "starting" : "cut off",
                            n.link() ? "up" : "DOWN", n.vips());
                }
            }
            out.flush();
            return s.up() ? 0 : 1;
        }
    }

    @Command(name = "crash", description = "Crash a node like a host dies: cut its link first, then kill its processes.")
    static final class Crash implements Callable<Integer> {
        @ParentCommand
        LabCommand parent;
        @Parameters(paramLabel = "NODE", description = "e.g. n2")
        String node;

        @Override
        public Integer call() {
            parent.lab().crash(node);
            return 0;
        }
    }

    @Command(name = "revive", description = "Bring a crashed node back; it rejoins the cluster.")
    static final class Revive implements Callable<Integer> {
        @ParentCommand
        LabCommand parent;
        @Parameters(paramLabel = "NODE")
        String node;

        @Override
        public Integer call() {
            parent.lab().revive(node);
            return 0;
        }
    }

    @Command(name = "down", description = "Remove the lab: processes, namespaces, state.")
    static final class Down implements Callable<Integer> {
        @ParentCommand
        LabCommand parent;

        @Override
        public Integer call() {
            parent.lab().down();
            return 0;
        }
    }
}
