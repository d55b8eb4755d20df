package io.inferscale.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;

/**
 * An exact resource amount written the way Kubernetes writes quantities: {@code 500m}, {@code 1},
 * {@code 0.5}, {@code 1Gi}, {@code 512Mi}, {@code 2G}, {@code 1e3}.
 *
 * <p>The grammar is Kubernetes' {@code resource.Quantity}: a signed decimal number followed by a
 * binary-SI suffix ({@code Ki Mi Gi Ti Pi Ei}), a decimal-SI suffix ({@code n u m "" k M G T P E})
 * or a decimal exponent ({@code e3}, {@code E-2}). The value is kept exactly as a {@link BigDecimal}
 * in base units (cores for CPU, bytes for memory); the text is kept as written so a document
 * round-trips unchanged. Two quantities are equal when their values are equal ({@code 1} equals
 * {@code 1000m}).
 *
 * <p>Deliberate differences from Kubernetes' parser, each pinned by a test in {@code QuantityTest}:
 * <ul>
 *   <li>values are kept exactly: Kubernetes rounds anything finer than {@code 1n} up ({@code 3.001n}
 *       becomes {@code 4n}) and silently caps binary-suffixed values at 2^63-1 ({@code 9Ei}); here
 *       they keep their value, and {@link io.inferscale.api.validation.EndpointValidator} rejects CPU
 *       finer than {@code 1m} and CPU or memory too large for a 64-bit count of millicores or bytes;</li>
 *   <li>a decimal exponent is limited to {@code |e| <= 18} ({@code 1e19} is rejected; write
 *       {@code 10E});</li>
 *   <li>the text is at most {@link #MAX_LENGTH} characters, so a hostile document cannot make the
 *       (quadratic) decimal parsing slow;</li>
 *   <li>a number needs a digit: Kubernetes reads {@code .}, {@code +} and {@code -} alone as zero,
 *       here they are errors.</li>
 * </ul>
 *
 * @param text  the quantity as written, e.g. {@code "500m"}
 * @param value the exact value in base units, e.g. {@code 0.5}
 * @see <a href="https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/">Kubernetes Quantity</a>
 */
public record Quantity(String text, BigDecimal value) implements Comparable<Quantity> {

    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    /** Longest quantity text accepted, in characters (Kubernetes sets no limit; real quantities are short). */
    public static final int MAX_LENGTH = 64;

    /** Checks that {@code text} parses to {@code value}; use {@link #parse(String)} to build one. */
    public Quantity {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(value, "value");
        BigDecimal parsed = parseValue(text);
        if (parsed.compareTo(value) != 0) {
            throw new IllegalArgumentException("quantity text '" + text + "' does not denote " + value.toPlainString());
        }
    }

    /**
     * Parses a Kubernetes quantity.
     *
     * @param text the quantity, e.g. {@code "500m"} or {@code "1Gi"}
     * @return the exact quantity
     * @throws IllegalArgumentException when the text is not a quantity, is longer than {@link #MAX_LENGTH}
     *                                  or has an exponent beyond 18; the message says what is wrong
     */
    public static Quantity parse(String text) {
        Objects.requireNonNull(text, "text");
        return new Quantity(text, parseValue(text));
    }

    /** A whole number of millicores as a quantity, written the way Kubernetes prints it ({@code 500m}, {@code 2}). */
    public static Quantity ofMillicores(long millicores) {
        return millicores % 1000 == 0 ? parse(Long.toString(millicores / 1000)) : parse(millicores + "m");
    }

    /** A whole number of bytes as a quantity, written with the largest exact binary suffix ({@code 1Gi}, {@code 512Mi}). */
    public static Quantity ofBytes(long bytes) {
        String[] suffixes = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
        int[] shifts = {60, 50, 40, 30, 20, 10};
        for (int i = 0; i < suffixes.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes != 0 && bytes % unit == 0) {
                return parse(bytes / unit + suffixes[i]);
            }
        }
        return parse(Long.toString(bytes));
    }

    /**
     * The value in thousandths of the base unit (millicores for CPU).
     *
     * @throws ArithmeticException when the quantity is finer than one thousandth, e.g. {@code 0.1m}
     */
    public long millis() {
        return value.multiply(THOUSAND).longValueExact();
    }

    /**
     * The value as a whole number of base units (bytes for memory).
     *
     * @throws ArithmeticException when the value is not whole, e.g. {@code 0.5}
     */
    public long whole() {
        return value.longValueExact();
    }

    /** True when the value is below zero. */
    public boolean isNegative() {
        return value.signum() < 0;
    }

    @Override
    public int compareTo(Quantity other) {
        return value.compareTo(other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantity q && q.value.compareTo(value) == 0;
    }

    @Override
    public int hashCode() {
        return value.stripTrailingZeros().hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    private static BigDecimal parseValue(String text) {
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("'" + text.substring(0, 20) + "...' is not a quantity: it is " + text.length()
                    + " characters long; the limit is " + MAX_LENGTH);
        }
        String s = text.trim();
        if (s.isEmpty() || !s.equals(text)) {
            throw new IllegalArgumentException("'" + text + "' is not a quantity: expected a number with an optional unit such as 500m, 1, 0.5, 1Gi, 512Mi, 2G or 1e3");
        }
        int i = 0;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            i++;
        }
        int digitsStart = i;
        boolean dot = false;
        int digits = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
            i++;
        }
        if (digits == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a quantity: it must start with a number, e.g. 500m, 1, 0.5, 1Gi, 512Mi");
        }
        String number = s.substring(0, i);
        if (number.endsWith(".")) {
            number = number + "0";
        }
        if (number.substring(digitsStart).startsWith(".")) {
            number = number.substring(0, digitsStart) + "0" + number.substring(digitsStart);
        }
        BigDecimal base = new BigDecimal(number);
        String suffix = s.substring(i);
        BigDecimal factor = switch (suffix) {
            case "" -> BigDecimal.ONE;
            case "n" -> BigDecimal.ONE.movePointLeft(9);
            case "u" -> BigDecimal.ONE.movePointLeft(6);
            case "m" -> BigDecimal.ONE.movePointLeft(3);
            case "k" -> BigDecimal.ONE.movePointRight(3);
            case "M" -> BigDecimal.ONE.movePointRight(6);
            case "G" -> BigDecimal.ONE.movePointRight(9);
            case "T" -> BigDecimal.ONE.movePointRight(12);
            case "P" -> BigDecimal.ONE.movePointRight(15);
            case "E" -> BigDecimal.ONE.movePointRight(18);
            case "Ki" -> new BigDecimal(BigInteger.ONE.shiftLeft(10));
            case "Mi" -> new BigDecimal(BigInteger.ONE.shiftLeft(20));
            case "Gi" -> new BigDecimal(BigInteger.ONE.shiftLeft(30));
            case "Ti" -> new BigDecimal(BigInteger.ONE.shiftLeft(40));
            case "Pi" -> new BigDecimal(BigInteger.ONE.shiftLeft(50));
            case "Ei" -> new BigDecimal(BigInteger.ONE.shiftLeft(60));
            default -> exponent(text, suffix);
        };
        return base.multiply(factor);
    }

    private static BigDecimal exponent(String text, String suffix) {
        if ((suffix.startsWith("e") || suffix.startsWith("E")) && suffix.length() > 1) {
            String exp = suffix.substring(1);
            if (exp.matches("[+-]?[0-9]{1,3}")) {
                int e = Integer.parseInt(exp);
                if (Math.abs(e) <= 18) {
                    return BigDecimal.ONE.scaleByPowerOfTen(e);
                }
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a quantity: unknown unit '" + suffix
                + "'; use m (milli), k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent such as e3");
    }
}
