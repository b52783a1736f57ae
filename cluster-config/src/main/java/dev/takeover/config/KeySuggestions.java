package dev.takeover.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the known key an unknown one was probably meant to be ({@code bind_port} → {@code bind-port}). */
final class KeySuggestions {

    private KeySuggestions() {
    }

    /**
     * @return the known key closest to {@code key} by edit distance, ignoring case, when it is close enough to be a
     *         plausible typo: at most 2 edits, or a third of the key's length for long keys
     */
    static Optional<String> nearest(String key, Collection<String> known) {
        String typed = key.toLowerCase(Locale.ROOT);
        int limit = Math.max(2, typed.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = editDistance(typed, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= limit ? Optional.ofNullable(best) : Optional.empty();
    }

    /** Levenshtein distance with two rolling rows. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
