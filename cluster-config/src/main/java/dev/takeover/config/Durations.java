package dev.takeover.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster file's duration syntax: a whole number followed by a unit, {@code ms} (milliseconds), {@code s}
 * (seconds) or {@code m} (minutes), e.g. {@code 200ms}, {@code 2s}, {@code 1m}. The unit is mandatory so that
 * {@code timeout: 500} cannot be silently read as the wrong unit.
 *
 * <p>Stateless and thread-safe.
 */
public final class Durations {

    private static final Pattern SYNTAX = Pattern.compile("([0-9]+)(ms|s|m)");
    private static final Pattern NUMBER_ONLY = Pattern.compile("[0-9]+");

    private Durations() {
    }

    /**
     * Parses {@code 200ms}, {@code 2s} or {@code 1m}.
     *
     * @param text the duration text, not null; surrounding whitespace is not allowed
     * @return the duration, never negative
     * @throws IllegalArgumentException with a message fit for the user if {@code text} is not a duration, has no
     *         unit, or is too large
     */
    public static Duration parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            String hint = NUMBER_ONLY.matcher(text).matches() ? " (the unit is missing)" : "";
            throw new IllegalArgumentException("'" + text + "' is not a duration: expected a whole number followed"
                    + " by ms, s or m, e.g. 200ms, 2s, 1m" + hint);
        }
        try {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMinutes(amount);
            };
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a duration", e);
        }
    }

    /**
     * Formats a duration in the syntax {@link #parse} reads, choosing the largest unit that divides it exactly.
     *
     * @param duration a non-negative duration whose sub-millisecond part is zero
     * @return e.g. {@code 200ms}, {@code 2s}, {@code 1m}
     * @throws IllegalArgumentException if the duration is negative or not a whole number of milliseconds
     */
    public static String format(Duration duration) {
        if (duration.isNegative() || duration.toNanosPart() % 1_000_000 != 0) {
            throw new IllegalArgumentException("not expressible in the cluster file: " + duration);
        }
        long millis = duration.toMillis();
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis != 0 && millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }
}
