package io.inferscale.api.validation;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" suggestions for misspelt names, by edit distance. */
public final class Suggestions {

    private Suggestions() {
    }

    /**
     * Words that are never suggested, whatever the distance: a typo must not turn into a destructive action
     * ({@code describe} is two edits from {@code delete}).
     */
    public static final java.util.Set<String> DESTRUCTIVE = java.util.Set.of("delete", "destroy", "remove", "rm", "purge", "drop",
            "erase", "wipe", "kill", "terminate", "uninstall", "prune", "reset", "teardown");

    /** True when {@code word} (ignoring case) is one of {@link #DESTRUCTIVE}, or starts with one followed by a '-' ({@code delete-all}). */
    public static boolean isDestructive(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        return DESTRUCTIVE.contains(w) || DESTRUCTIVE.stream().anyMatch(d -> w.startsWith(d + "-"));
    }

    /**
     * The candidate closest to {@code input}, if it is close enough to be a likely typo: at most a third
     * of the input's length in edits (at least 1, at most 3), or equal ignoring case. A destructive candidate
     * ({@link #isDestructive}) is never suggested.
     */
    public static Optional<String> closest(String input, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = input.toLowerCase(Locale.ROOT);
        int allowed = Math.max(1, Math.min(3, input.length() / 3));
        for (String c : candidates) {
            if (isDestructive(c)) {
                continue;
            }
            String candidate = c.toLowerCase(Locale.ROOT);
            if (Math.abs(candidate.length() - lower.length()) > allowed) {
                continue; // the distance is at least the difference in length: too far, and no table to fill
            }
            int d = distance(lower, candidate);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** {@code "; did you mean 'x'?"} or the empty string. */
    public static String didYouMean(String input, Collection<String> candidates) {
        return closest(input, candidates).map(s -> "; did you mean '" + s + "'?").orElse("");
    }

    /** Levenshtein distance with adjacent transpositions counted as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
