package io.inferscale.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The one parser of durations written by people: configuration values ({@code sagemaker.timeout}), CLI flags
 * ({@code --wait}, {@code --startup}) and simulation settings all accept the same forms.
 */
public final class Durations {

    private Durations() {
    }

    /**
     * Parses a number followed by {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 250ms},
     * {@code 90s}, {@code 1.5m}, {@code 2h}, {@code 1d}), a bare number of seconds ({@code 90}, {@code 1.5}) or
     * ISO-8601 ({@code PT5M}); case and surrounding blanks are ignored, and the result is rounded to the
     * millisecond. A sign is kept: callers that need a non-negative duration check it (and say so by name).
     *
     * @throws IllegalArgumentException {@code "not a duration: <text>"} (or {@code "not a duration: empty"}) when the
     *                                  text is none of these, or not finite
     */
    public static Duration parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("not a duration: empty");
        }
        try {
            if (s.startsWith("p") || s.startsWith("-p") || s.startsWith("+p")) {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).strip()));
            }
            return withUnit(s);
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("not a duration: " + text, e);
        }
    }

    /** A number followed by s, m, h or d, or a bare number of seconds. */
    private static Duration withUnit(String s) {
        char unit = s.charAt(s.length() - 1);
        String number = Character.isDigit(unit) || unit == '.' ? s : s.substring(0, s.length() - 1).strip();
        if (number.isEmpty() || !Character.isDigit(number.charAt(number.length() - 1)) && number.charAt(number.length() - 1) != '.') {
            throw new NumberFormatException(s);
        }
        double amount = Double.parseDouble(number);
        double seconds = switch (unit) {
            case 's' -> amount;
            case 'm' -> amount * 60;
            case 'h' -> amount * 3600;
            case 'd' -> amount * 86400;
            default -> {
                if (Character.isDigit(unit) || unit == '.') {
                    yield amount;
                }
                throw new NumberFormatException(s);
            }
        };
        if (!Double.isFinite(seconds) || Math.abs(seconds) * 1000 >= Long.MAX_VALUE) {
            throw new NumberFormatException(s);
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
