package io.inferscale.simulator;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Numbers as the simulation's CSV and JSON ticks print them: a dot, at most three decimals, no trailing zeros
 * ({@code 12}, {@code 0.5}, {@code 33.333}), the same text {@code String.format(Locale.ROOT, "%.3f", v)} gives once
 * its trailing zeros are cut, without building a formatter or a regular expression per number. Shared by the
 * engine's output and the trace classes ({@code LoadTrace.toCsv()}, trace error messages).
 */
public final class Decimals {

    private static final double EXACT_LIMIT = 1e12;

    private Decimals() {
    }

    /** {@code v} with at most three decimals. */
    public static String format(double v) {
        StringBuilder sb = new StringBuilder(24);
        append(v, sb);
        return sb.toString();
    }

    /** Appends {@code v} with at most three decimals to {@code sb}. */
    public static void append(double v, StringBuilder sb) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            sb.append((long) v);
            return;
        }
        if (!Double.isFinite(v)) {
            sb.append(v);
            return;
        }
        double scaled = v * 1000.0;
        double fraction = Math.abs(scaled - Math.floor(scaled));
        long thousandths;
        if (Math.abs(v) < EXACT_LIMIT && Math.abs(fraction - 0.5) > 1e-6) {
            // far from a tie: rounding the binary value gives the decimal rounding %.3f does
            thousandths = Math.round(scaled);
        } else {
            // near a tie (or huge): round the shortest decimal text half up, as java.util.Formatter does
            BigDecimal d = BigDecimal.valueOf(v).setScale(3, RoundingMode.HALF_UP);
            if (d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 1000)) >= 0) {
                String s = d.stripTrailingZeros().toPlainString();
                sb.append(s);
                return;
            }
            thousandths = d.unscaledValue().longValueExact();
        }
        if (thousandths < 0 || (thousandths == 0 && v < 0)) {
            sb.append('-');
            thousandths = -thousandths;
        }
        sb.append(thousandths / 1000);
        int rest = (int) (thousandths % 1000);
        if (rest != 0) {
            sb.append('.');
            sb.append((char) ('0' + rest / 100));
            rest %= 100;
            if (rest != 0) {
                sb.append((char) ('0' + rest / 10));
                rest %= 10;
                if (rest != 0) {
                    sb.append((char) ('0' + rest));
                }
            }
        }
    }
}
