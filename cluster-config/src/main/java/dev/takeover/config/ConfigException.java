package dev.takeover.config;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A cluster file that cannot be used, with every problem found in it rather than only the first, so that an
 * operator fixes the file in one pass.
 *
 * <p>{@link #getMessage()} lists the problems one per line, each in the form of {@link ConfigProblem#toString()}.
 */
public final class ConfigException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    /**
     * @param problems the problems, at least one, in the order they should be reported
     * @throws IllegalArgumentException if {@code problems} is empty
     */
    public ConfigException(List<ConfigProblem> problems) {
        this(problems, null);
    }

    /**
     * @param problems the problems, at least one, in the order they should be reported
     * @param cause    the underlying failure (an {@link java.io.IOException}, say), or null
     * @throws IllegalArgumentException if {@code problems} is empty
     */
    public ConfigException(List<ConfigProblem> problems, Throwable cause) {
        super(format(problems), cause);
        this.problems = List.copyOf(problems);
    }

    private static String format(List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        return problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n"));
    }

    /** @return the problems, never empty, in file order (problems without a position first) */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
