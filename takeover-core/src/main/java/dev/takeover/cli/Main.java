package dev.takeover.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/takeover}: the one launcher. Each subcommand is a class of its own in this package. */
@Command(name = "takeover", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A cluster of HTTP caching reverse proxies whose client connections survive the death of a node.",
        subcommands = {DemoCommand.class, NodeCommand.class, OriginCommand.class, LabCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests run subcommands through it. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.registerConverter(ByteSizeArg.class, ByteSizeArg::parse);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("takeover " + cmd.getCommandName() + ": " + e.getMessage());
            return 2;
        });
        return cli;
    }

    /** The version from the jar manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"takeover " + (v == null ? "(development build)" : v)};
        }
    }
}
