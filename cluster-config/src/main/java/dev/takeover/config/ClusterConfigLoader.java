package dev.takeover.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Loads the cluster file: YAML composed to a node tree (so every value keeps its line and column), then checked
 * key by key and across sections. Every problem found is collected and reported at once in a
 * {@link ConfigException}; a file with no problem yields a {@link ClusterConfig}.
 *
 * <p>What is checked: YAML syntax; unknown keys (with a suggestion when one is close), duplicate keys, missing
 * required keys and values of the wrong type; durations, sizes, ports, IPv4 addresses, names and the origin URL;
 * unique node names, node addresses and VIPs; VIPs inside their node's subnet and distinct from node addresses;
 * {@code cache.max-object-size <= cache.size}; {@code failure-detection.timeout > heartbeat-interval}; and that a
 * {@code cluster.jgroups-xml} file exists. See {@link ClusterConfig} and the section records for the keys, and
 * {@code dev/takeover/config/cluster.example.yaml} on the class path for a complete example.
 *
 * <p>Stateless and thread-safe.
 */
public final class ClusterConfigLoader {

    /** The example cluster file shipped in this module, as a class-path resource name. */
    public static final String EXAMPLE_RESOURCE = "/dev/takeover/config/cluster.example.yaml";

    private ClusterConfigLoader() {
    }

    /**
     * Reads and validates a cluster file. A relative {@code cluster.jgroups-xml} is resolved against the file's
     * directory. Problems name the file as {@code file} was given ({@code file.toString()}).
     *
     * @param file the UTF-8 cluster file, not null
     * @return the validated configuration
     * @throws ConfigException if the file cannot be read or has any problem; its {@link ConfigException#problems()}
     *                         lists them all
     */
    public static ClusterConfig load(Path file) {
        Objects.requireNonNull(file, "file");
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(
                    List.of(new ConfigProblem(source, 0, 0, "", unreadable(file, e))), e);
        }
        Path parent = file.toAbsolutePath().getParent();
        return parse(text, source, parent == null ? Path.of("") : parent);
    }

    private static String unreadable(Path file, IOException e) {
        Path absolute = file.toAbsolutePath();
        String reason;
        if (e instanceof NoSuchFileException) {
            reason = "no such file";
        } else if (Files.isDirectory(file)) {
            reason = "it is a directory";
        } else if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof CharacterCodingException) {
            reason = "it is not valid UTF-8 text";
        } else {
            reason = e.toString();
        }
        return "cannot read the cluster file " + absolute + ": " + reason;
    }

    /**
     * Validates cluster-file text. A relative {@code cluster.jgroups-xml} is resolved against the current working
     * directory.
     *
     * @param text       the YAML text, not null
     * @param sourceName how problems name the text, e.g. {@code cluster.yaml}; not null
     * @return the validated configuration
     * @throws ConfigException if the text has any problem
     */
    public static ClusterConfig parse(String text, String sourceName) {
        return parse(text, sourceName, Path.of(""));
    }

    /**
     * Validates cluster-file text.
     *
     * @param text          the YAML text, not null
     * @param sourceName    how problems name the text, e.g. {@code cluster.yaml}; not null
     * @param baseDirectory the directory a relative {@code cluster.jgroups-xml} is resolved against; not null
     * @return the validated configuration
     * @throws ConfigException if the text has any problem
     */
    public static ClusterConfig parse(String text, String sourceName, Path baseDirectory) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(baseDirectory, "baseDirectory");
        Problems problems = new Problems(sourceName);
        ClusterConfig config = null;
        Optional<Node> root = compose(text, sourceName, problems);
        if (root.isPresent()) {
            config = new ClusterFileReader(problems, baseDirectory).read(root.get());
        }
        if (problems.count() > 0) {
            throw new ConfigException(problems.sorted());
        }
        // Every path that yields no config records a problem first, so this holds.
        return Objects.requireNonNull(config, "config");
    }

    /** @return snakeyaml's context and problem, naming the context's line when it differs from the problem's */
    private static String describe(MarkedYamlEngineException e) {
        if (e.getContext() == null) {
            return e.getProblem();
        }
        String context = e.getContext();
        int contextLine = e.getContextMark().map(m -> m.getLine()).orElse(-1);
        int problemLine = e.getProblemMark().map(m -> m.getLine()).orElse(-1);
        if (contextLine >= 0 && contextLine != problemLine) {
            context += " (from line " + (contextLine + 1) + ")";
        }
        return context + ": " + e.getProblem();
    }

    /** @return the document's root node, or empty after recording a syntax error or an empty file */
    private static Optional<Node> compose(String text, String sourceName, Problems problems) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(sourceName)
                .setUseMarks(true)
                .setAllowRecursiveKeys(false)
                .build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            problems.at(e.getProblemMark().or(e::getContextMark), "", "YAML syntax error: " + describe(e));
            return Optional.empty();
        } catch (YamlEngineException e) {
            problems.file("YAML syntax error: " + e.getMessage());
            return Optional.empty();
        }
        if (root.isEmpty() || MappingReader.isNull(root.get())) {
            problems.file("the file is empty; expected the sections cluster, nodes and origin (see "
                    + "cluster.example.yaml)");
            return Optional.empty();
        }
        return root;
    }
}
