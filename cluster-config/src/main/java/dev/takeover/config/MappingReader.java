package dev.takeover.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads one YAML mapping of the cluster file against its known keys, recording every problem in {@link Problems}.
 *
 * <p>On creation it reports unknown keys (with a suggestion when one is close), duplicate keys and non-string keys.
 * The value accessors return {@code null} exactly when they have recorded a problem, so that a caller can read all
 * keys of a section, then build the section's record only if the problem count did not grow. Not thread-safe.
 */
final class MappingReader {

    private final Node node;
    private final String path;
    private final Problems problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    /**
     * @param node    where problems about absent keys are reported
     * @param mapping the mapping to read, or null to read an empty one
     */
    private MappingReader(Node node, MappingNode mapping, String path, List<String> knownKeys, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        if (mapping != null) {
            for (NodeTuple tuple : mapping.getValue()) {
                index(tuple, knownKeys);
            }
        }
    }

    /**
     * @param node      the YAML node; a null scalar (a key with nothing after it) counts as an empty mapping, so
     *                  that a section whose keys are all commented out takes all defaults
     * @param path      the dotted path of {@code node}, empty for the top level
     * @param knownKeys the keys this mapping may have, in the order they are documented
     * @return a reader, or null when {@code node} is not a mapping (a problem has been recorded)
     */
    static MappingReader of(Node node, String path, List<String> knownKeys, Problems problems) {
        if (node instanceof MappingNode mapping) {
            return new MappingReader(node, mapping, path, knownKeys, problems);
        }
        if (isNull(node)) {
            return new MappingReader(node, null, path, knownKeys, problems);
        }
        problems.at(node, path, "expected a mapping with the keys " + String.join(", ", knownKeys)
                + ", found " + describe(node));
        return null;
    }

    private void index(NodeTuple tuple, List<String> knownKeys) {
        Node keyNode = tuple.getKeyNode();
        if (!(keyNode instanceof ScalarNode scalar)) {
            problems.at(keyNode, path, "a key must be a plain string, found " + describe(keyNode));
            return;
        }
        String key = scalar.getValue();
        NodeTuple first = entries.get(key);
        if (first != null) {
            problems.at(keyNode, field(key), "duplicate key (first at " + Problems.lineOf(first.getKeyNode()) + ")");
        } else if (!knownKeys.contains(key)) {
            String hint = KeySuggestions.nearest(key, knownKeys)
                    .map(k -> "did you mean '" + k + "'?")
                    .orElse("expected one of: " + String.join(", ", knownKeys));
            problems.at(keyNode, field(key), "unknown key (" + hint + ")");
        } else {
            entries.put(key, tuple);
        }
    }

    /** @return the dotted path of {@code key} in this mapping, e.g. {@code origin.url} */
    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** @return the mapping's own node, where problems about absent keys are reported */
    Node node() {
        return node;
    }

    /** @return whether {@code key} is present (with any value) */
    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** @return the node of {@code key}'s value when present, else the mapping node: where to report about it */
    Node locate(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? node : tuple.getValueNode();
    }

    /** @return the value, or null after recording that the key is missing or its value is invalid */
    <T> T required(String key, ValueType<T> type) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            problems.at(node, field(key), "missing required key");
            return null;
        }
        return scalar(tuple.getValueNode(), field(key), type, problems);
    }

    /** @return the value, {@code defaultValue} when the key is absent, or null after recording an invalid value */
    <T> T optional(String key, ValueType<T> type, T defaultValue) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            return defaultValue;
        }
        return scalar(tuple.getValueNode(), field(key), type, problems);
    }

    /**
     * @return the nested mapping at {@code key}; an empty reader when an optional section is absent; null after
     *         recording that a required section is missing or that the value is not a mapping
     */
    MappingReader section(String key, List<String> knownKeys, boolean required) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            if (required) {
                problems.at(node, field(key), "missing required key");
                return null;
            }
            return new MappingReader(node, null, field(key), knownKeys, problems);
        }
        return of(tuple.getValueNode(), field(key), knownKeys, problems);
    }

    /**
     * @return the items of the list at {@code key}: empty when the key is absent or has no value; null after
     *         recording that a required key is missing or that the value is not a list
     */
    List<Node> sequence(String key, String itemDescription, boolean required) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            if (required) {
                problems.at(node, field(key), "missing required key");
                return null;
            }
            return List.of();
        }
        Node value = tuple.getValueNode();
        if (value instanceof SequenceNode sequence) {
            return sequence.getValue();
        }
        if (isNull(value)) {
            return List.of();
        }
        problems.at(value, field(key), "expected a list of " + itemDescription + ", found " + describe(value));
        return null;
    }

    /**
     * Converts one scalar node.
     *
     * @return the value, or null after recording why {@code value} is not a valid {@code type}
     */
    static <T> T scalar(Node value, String field, ValueType<T> type, Problems problems) {
        if (!(value instanceof ScalarNode scalar)) {
            problems.at(value, field, "expected " + type.expected() + ", found " + describe(value));
            return null;
        }
        if (isNull(scalar)) {
            problems.at(value, field, "no value given (expected " + type.expected() + ")");
            return null;
        }
        try {
            return type.parse(scalar.getValue());
        } catch (IllegalArgumentException e) {
            problems.at(value, field, e.getMessage());
            return null;
        }
    }

    /** @return whether {@code node} is YAML's null: nothing after the colon, {@code ~} or {@code null} unquoted */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && scalar.getScalarStyle() == ScalarStyle.PLAIN
                && scalar.getTag().equals(Tag.NULL);
    }

    static String describe(Node node) {
        return switch (node) {
            case MappingNode _ -> "a mapping";
            case SequenceNode _ -> "a list";
            case ScalarNode s when isNull(s) -> "no value";
            case ScalarNode s -> "'" + s.getValue() + "'";
            default -> "a " + node.getNodeType();
        };
    }
}
