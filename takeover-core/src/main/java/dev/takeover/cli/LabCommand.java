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
                LabCommand.Down.class, LabCommand.DrillCommand.class, LabCommand.LoadTestCommand.class, LabCommand.Client.class,
                LabCommand.ScaleClientCommand.class})
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
        @Option(names = "--baseline", description = "Without connection takeover: VIPs move, connections are reset.")
        boolean baseline;

        @Override
        public Integer call() {
            parent.lab().up(nodes, !baseline);
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

    @Command(name = "drill", description = {"The kill-a-node drill: concurrent downloads over every VIP from tko-client, a host",
            "crash mid-transfer, every byte checked; a report, and an HTML report with a timeline chart.",
            "Brings the lab up first if needed. Exit status 1 if any download was lost or wrong."})
    static final class DrillCommand implements Callable<Integer> {
        @ParentCommand
        LabCommand parent;
        @Option(names = "--size", defaultValue = "48m", description = "Size of each download (default ${DEFAULT-VALUE}).")
        String size;
        @Option(names = "--clients", defaultValue = "12", description = "Concurrent downloads (default ${DEFAULT-VALUE}).")
        int clients;
        @Option(names = "--crash", defaultValue = "n2", description = "The node to crash (default ${DEFAULT-VALUE}).")
        String crash;
        @Option(names = "--at", defaultValue = "2", paramLabel = "SECONDS",
                description = "Crash this long after the downloads start (default ${DEFAULT-VALUE}).")
        double at;
        @Option(names = "--timeout", defaultValue = "20", paramLabel = "SECONDS",
                description = "A download waiting longer than this for a byte counts as lost (default ${DEFAULT-VALUE}).")
        int timeout;

        @Override
        public Integer call() throws Exception {
            if (clients < 1 || clients > 1000) {
                throw new picocli.CommandLine.ParameterException(parent.spec.commandLine(), "--clients must be 1..1000");
            }
            Lab lab = parent.lab();
            dev.takeover.lab.Drill.Result r = new dev.takeover.lab.Drill(lab, parent.spec.commandLine().getOut()).run(
                    new dev.takeover.lab.Drill.Options(size, clients, crash, java.time.Duration.ofMillis((long) (at * 1000)),
                            java.time.Duration.ofSeconds(timeout)));
            Path html = lab.dir().resolve("drill").resolve("report.html");
            dev.takeover.lab.DrillHtml.write(r, html);
            parent.spec.commandLine().getOut().printf("HTML report: %s%n", html);
            return r.allOk() ? 0 : 1;
        }
    }

    @Command(name = "loadtest", description = {"A Gatling simulation from tko-client against every VIP, optionally with a",
            "node crashed partway; keeps Gatling's HTML report. Exit status 1 if any request failed, or had to be",
            "sent again on a new connection (Gatling's client does that once, silently, when a keep-alive connection",
            "closes under a request)."})
    static final class LoadTestCommand implements Callable<Integer> {
        @ParentCommand
        LabCommand parent;
        @Option(names = "--simulation", defaultValue = "hits",
                description = {"hits (1 KiB objects, cached), downloads (distinct objects) or mixed (hits, a 304,",
                        "a no-cache revalidation, a download); every body checked; default ${DEFAULT-VALUE}."})
        String simulation;
        @Option(names = "--duration", defaultValue = "30", paramLabel = "SECONDS",
                description = "How long new users arrive (default ${DEFAULT-VALUE}).")
        int duration;
        @Option(names = "--rate", defaultValue = "20", description = "New users per second (default ${DEFAULT-VALUE}).")
        double rate;
        @Option(names = "--size", defaultValue = "4m", description = "Download size, downloads simulation (default ${DEFAULT-VALUE}).")
        String size;
        @Option(names = "--crash", description = "A node to crash partway (link cut, then killed).")
        String crash;
        @Option(names = "--at", defaultValue = "10", paramLabel = "SECONDS",
                description = "When to crash, after the load starts (default ${DEFAULT-VALUE}).")
        double at;
        @Option(names = "--baseline", description = {"Against a lab without connection takeover (VIPs still move, as",
                "with keepalived): what users get today. Replaces the lab if it is not in that mode."})
        boolean baseline;

        @Override
        public Integer call() throws Exception {
            if (duration < 1 || duration > 3600 || rate <= 0 || rate > 10_000) {
                throw new picocli.CommandLine.ParameterException(parent.spec.commandLine(),
                        "--duration must be 1..3600 s and --rate 0..10000 users/s");
            }
            if (!dev.takeover.lab.LoadTest.SIMULATIONS.containsKey(simulation)) {
                throw new picocli.CommandLine.ParameterException(parent.spec.commandLine(), "--simulation must be one of "
                        + dev.takeover.lab.LoadTest.SIMULATIONS.keySet());
            }
            Lab lab = parent.lab();
            var result = new dev.takeover.lab.LoadTest(lab, Path.of(System.getProperty("takeover.home")),
                    parent.spec.commandLine().getOut()).run(new dev.takeover.lab.LoadTest.Options(simulation,
                    java.time.Duration.ofSeconds(duration), rate, size, crash, java.time.Duration.ofMillis((long) (at * 1000)),
                    baseline));
            return result.exitCode() == 0 && result.resent() == 0 ? 0 : 1;
        }
    }

    @Command(name = "client", hidden = true, description = "The drill's client side; runs inside tko-client.")
    static final class Client implements Callable<Integer> {
        @Option(names = "--vips", required = true, split = ",")
        java.util.List<String> vips;
        @Option(names = "--size", required = true)
        String size;
        @Option(names = "--clients", required = true)
        int clients;
        @Option(names = "--timeout", defaultValue = "20")
        int timeout;
        @Option(names = "--out", required = true)
        Path out;

        @Override
        public Integer call() throws Exception {
            dev.takeover.lab.DrillClient.Report report = dev.takeover.lab.DrillClient.run(vips, size, clients,
                    java.time.Duration.ofSeconds(timeout), line -> {
                        System.out.println(line);
                        System.out.flush();
                    });
            new ObjectMapper().writeValue(out.toFile(), report);
            return 0;
        }
    }

    @Command(name = "scale-client", hidden = true,
            description = "The takeover-scale benchmark's client side; runs inside tko-client.")
    static final class ScaleClientCommand implements Callable<Integer> {
        @Option(names = "--vips", required = true, split = ",")
        java.util.List<String> vips;
        @Option(names = "--connections", required = true)
        int connections;
        @Option(names = "--active", defaultValue = "0")
        int active;
        @Option(names = "--active-size", defaultValue = "32m")
        String activeSize;
        @Option(names = "--timeout", defaultValue = "30")
        int timeout;

        @Override
        public Integer call() throws Exception {
            var control = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    java.nio.charset.StandardCharsets.UTF_8));
            var counts = dev.takeover.lab.ScaleClient.run(vips, connections, active, activeSize,
                    java.time.Duration.ofSeconds(timeout), control, System.out);
            counts.forEach((outcome, n) -> System.out.println("RESULT " + n + " " + outcome));
            return counts.keySet().stream().allMatch("ok"::equals) ? 0 : 1;
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
