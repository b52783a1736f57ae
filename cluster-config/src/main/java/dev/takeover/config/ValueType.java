package dev.takeover.config;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How to turn one scalar of the cluster file into a value: a parser that throws
 * {@link IllegalArgumentException} with a user-facing message, and a description of what was expected, used when
 * the YAML node is not a scalar at all.
 *
 * @param expected e.g. {@code a duration such as 2s}
 * @param parser   the parser; its exception messages are shown to the user as they are
 * @param <T>      the value type
 */
record ValueType<T>(String expected, Function<String, T> parser) {

    T parse(String text) {
        return parser.apply(text);
    }

    /** @return this type with an extra rule; {@code message} explains a value that breaks it */
    ValueType<T> require(Predicate<T> rule, Function<T, String> message) {
        return new ValueType<>(expected, text -> {
            T value = parser.apply(text);
            if (!rule.test(value)) {
                throw new IllegalArgumentException(message.apply(value));
            }
            return value;
        });
    }
}
