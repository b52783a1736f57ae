package dev.takeover.cluster;

import static dev.takeover.checkpoint.CheckpointFixtures.checkpoint;
import static dev.takeover.checkpoint.CheckpointFixtures.id;

import dev.takeover.checkpoint.CheckpointStore;
import dev.takeover.checkpoint.CheckpointStoreException;
import dev.takeover.checkpoint.ClaimResult;
import dev.takeover.checkpoint.PutResult;
import dev.takeover.config.ClusterConfigLoader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One cluster node in its own JVM, driven by {@link NodeProcess} over a line protocol. Every line this program
 * writes to standard output starts with {@code tko }: the rest of the output (logs) goes to standard error.
 *
 * <p>Arguments: the cluster file and the node name. Once the node has joined it prints {@code tko ready}; every
 * membership event is printed as it is delivered:
 * {@code tko event <epoch millis> <Type> <node or -> <crashed or -> <view id> <members, comma-separated>}.
 *
 * <p>Commands, one per line, each answered by {@code tko ok ...} or {@code tko err <message>}; connections are
 * numbered as in {@code CheckpointFixtures.id(n)}:
 * <pre>
 *   view                       -> ok &lt;view id&gt; &lt;members&gt; &lt;majority&gt; &lt;checkpoints available&gt;
 *   put &lt;n&gt; &lt;owner&gt; &lt;version&gt;   -> ok Stored | ok Stale &lt;version&gt; | ok Fenced &lt;claimant&gt;
 *   get &lt;n&gt;                    -> ok none | ok &lt;version&gt; &lt;owner&gt;
 *   remove &lt;n&gt; &lt;version&gt;       -> ok true | ok false
 *   claim &lt;n&gt; &lt;claimant&gt;      -> ok Claimed &lt;version&gt; | ok AlreadyClaimed &lt;node&gt; | ok NotFound
 *   close                      -> ok closed, then the node leaves cleanly and the program exits
 * </pre>
 * The end of standard input closes the node too, so a node never outlives the test that started it.
 */
public final class ClusterNodeMain {

    private ClusterNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ClusterNodeMain <cluster file> <node name>");
            System.exit(2);
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing but protocol lines on the real standard output
        ClusterNode node = ClusterNode.start(ClusterConfigLoader.load(Path.of(args[0])), args[1]);
        node.membership().addListener(event -> out.println("tko event " + System.currentTimeMillis() + " "
                + describe(event)));
        out.println("tko ready " + node.membership().view());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split("\\s+");
            if (w[0].equals("close")) {
                out.println("tko ok closed");
                break;
            }
            try {
                out.println("tko ok " + execute(node, w));
            } catch (CheckpointStoreException | IllegalArgumentException | IllegalStateException e) {
                out.println("tko err " + e.getMessage().replace('\n', ' '));
            }
        }
        node.close();
        System.exit(0);
    }

    private static String execute(ClusterNode node, String[] w) {
        CheckpointStore store = node.checkpoints();
        return switch (w[0]) {
            case "view" -> {
                View v = node.membership().view();
                yield v.id() + " " + String.join(",", v.members()) + " " + node.membership().isMajority() + " "
                        + node.checkpointsAvailable();
            }
            case "put" -> switch (store.putIfNewer(checkpoint(id(num(w, 1)), w[2], Long.parseLong(w[3])))) {
                case PutResult.Stored s -> "Stored";
                case PutResult.Stale s -> "Stale " + s.currentVersion();
                case PutResult.Fenced f -> "Fenced " + f.claimedBy();
            };
            case "get" -> store.get(id(num(w, 1)))
                    .map(c -> c.version() + " " + c.ownerNode())
                    .orElse("none");
            case "remove" -> String.valueOf(store.remove(id(num(w, 1)), Long.parseLong(w[2])));
            case "claim" -> switch (store.claim(id(num(w, 1)), w[2])) {
                case ClaimResult.Claimed c -> "Claimed " + c.checkpoint().version();
                case ClaimResult.AlreadyClaimed a -> "AlreadyClaimed " + a.byNode();
                case ClaimResult.NotFound n -> "NotFound";
            };
            default -> throw new IllegalArgumentException("unknown command " + w[0]);
        };
    }

    private static int num(String[] w, int i) {
        return Integer.parseInt(w[i]);
    }

    private static String describe(MembershipEvent event) {
        View v = event.view();
        String view = v.id() + " " + String.join(",", v.members());
        return switch (event) {
            case MembershipEvent.Joined j -> "Joined " + j.node() + " - " + view;
            case MembershipEvent.Left l -> "Left " + l.node() + " " + l.crashed() + " " + view;
            case MembershipEvent.Merged m -> "Merged - - " + view;
            case MembershipEvent.MinorityEntered m -> "MinorityEntered - - " + view;
            case MembershipEvent.MajorityRegained m -> "MajorityRegained - - " + view;
        };
    }
}
