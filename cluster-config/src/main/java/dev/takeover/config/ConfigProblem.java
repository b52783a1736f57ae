package dev.takeover.config;

import java.util.Objects;

/**
 * One thing wrong with a cluster file, located as precisely as the problem allows.
 *
 * <p>Immutable and thread-safe.
 *
 * @param source  the file name as given to the loader, e.g. {@code cluster.yaml}; never null
 * @param line    the 1-based line, or 0 when the problem concerns the file as a whole (it cannot be read, say)
 * @param column  the 1-based column, or 0 together with {@code line}
 * @param field   the dotted path of the offending key, e.g. {@code nodes[1].vips[0]}; empty when the problem is not
 *                about one key (a YAML syntax error, an unreadable file)
 * @param message what is wrong, in words fit for the operator; never null
 */
public record ConfigProblem(String source, int line, int column, String field, String message) {

    /** @throws NullPointerException if a string is null */
    public ConfigProblem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    /**
     * @return the compiler-style one-line form, {@code source:line:column: field: message}, leaving out the
     *         position when unknown and the field when empty, e.g.
     *         {@code cluster.yaml:12:7: nodes[1].vips[0]: 198.18.1.5 is outside the node's subnet 198.18.0.0/24}
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) {
            sb.append(':').append(line).append(':').append(column);
        }
        sb.append(": ");
        if (!field.isEmpty()) {
            sb.append(field).append(": ");
        }
        return sb.append(message).toString();
    }
}
