package dev.takeover.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Collects the problems of one cluster file while it is read, so that all of them are reported together.
 * Not thread-safe: one instance per load.
 */
final class Problems {

    private final String source;
    private final List<ConfigProblem> found = new ArrayList<>();

    Problems(String source) {
        this.source = source;
    }

    /** Records a problem located at the start of {@code node}. */
    void at(Node node, String field, String message) {
        at(node.getStartMark(), field, message);
    }

    /** Records a problem at {@code mark}; an absent mark records it without a position. */
    void at(Optional<Mark> mark, String field, String message) {
        // snakeyaml-engine counts lines and columns from 0; editors and compilers count from 1.
        int line = mark.map(m -> m.getLine() + 1).orElse(0);
        int column = mark.map(m -> m.getColumn() + 1).orElse(0);
        found.add(new ConfigProblem(source, line, column, field, message));
    }

    /** Records a problem about the file as a whole. */
    void file(String message) {
        found.add(new ConfigProblem(source, 0, 0, "", message));
    }

    /** @return how many problems were recorded so far; compare two counts to see if a step found any */
    int count() {
        return found.size();
    }

    /** @return the problems in file order, those without a position first; equal positions keep record order */
    List<ConfigProblem> sorted() {
        return found.stream()
                .sorted(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column))
                .toList();
    }

    /** @return {@code line N} for naming another place of the file in a message */
    static String lineOf(Node node) {
        return node.getStartMark().map(m -> "line " + (m.getLine() + 1)).orElse("unknown line");
    }
}
