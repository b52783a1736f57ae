package dev.takeover.proxy.cache.policy;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * Small lexical helpers for header field values (RFC 9110 §5.6). Package-private; stateless and thread-safe.
 */
final class FieldValues {

    /** RFC 9111 §1.2.2: delta-seconds too large to represent are taken as 2^31. */
    static final long MAX_DELTA_SECONDS = 2_147_483_648L;

    private FieldValues() {
    }

    /** Whether {@code c} is optional whitespace (SP or HTAB). */
    static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** Whether {@code c} is a {@code tchar} (RFC 9110 §5.6.2). */
    static boolean isTchar(char c) {
        if (c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** Whether {@code s} is a non-empty {@code token}. */
    static boolean isToken(CharSequence s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses {@code delta-seconds} ({@code 1*DIGIT}), saturating at {@link #MAX_DELTA_SECONDS}.
     *
     * @return the value, or {@code -1} if {@code s} is not a non-empty string of ASCII digits
     */
    static long parseDeltaSeconds(CharSequence s) {
        if (s.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            if (value < MAX_DELTA_SECONDS) {
                value = value * 10 + (c - '0');
            }
        }
        return Math.min(value, MAX_DELTA_SECONDS);
    }

    /** Seconds to milliseconds, saturating at {@link Long#MAX_VALUE} instead of overflowing. */
    static long secondsToMillis(long seconds) {
        return seconds >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : seconds * 1000;
    }

    /** All field lines of {@code name} joined with ", " into one list value (RFC 9110 §5.3); "" when absent. */
    static String combined(HttpHeaders headers, CharSequence name) {
        List<String> lines = headers.getAll(name);
        return switch (lines.size()) {
            case 0 -> "";
            case 1 -> lines.getFirst();
            default -> String.join(", ", lines);
        };
    }

    /**
     * Splits a comma-separated list (RFC 9110 §5.6.1) into trimmed, non-empty members. Commas inside quoted strings do
     * not split; quotes and escapes are kept verbatim in the member.
     */
    static List<String> splitList(CharSequence value) {
        List<String> members = new ArrayList<>(4);
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                addTrimmed(members, value, start, i);
                start = i + 1;
            }
        }
        addTrimmed(members, value, start, value.length());
        return members;
    }

    private static void addTrimmed(List<String> out, CharSequence value, int start, int end) {
        while (start < end && isOws(value.charAt(start))) {
            start++;
        }
        while (end > start && isOws(value.charAt(end - 1))) {
            end--;
        }
        if (start < end) {
            out.add(value.subSequence(start, end).toString());
        }
    }

    /** Trims SP/HTAB at both ends (not other whitespace, which is not OWS). */
    static String trimOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isOws(s.charAt(start))) {
            start++;
        }
        while (end > start && isOws(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }
}
