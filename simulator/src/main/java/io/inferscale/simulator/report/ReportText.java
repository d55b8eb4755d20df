package io.inferscale.simulator.report;

import java.util.Locale;

/** How the HTML report writes numbers, money, durations, colours and escaped text. */
final class ReportText {

    /** One colour per backend, in the order given; none is red, which marks unserved demand. */
    private static final String[] PALETTE = {"#326ce5", "#e8750a", "#1e8e3e", "#a142f4", "#12b5cb", "#795548"};

    /** Unserved demand, in every panel and legend. */
    static final String UNSERVED = "#e53935";

    /** The demand line. */
    static final String DEMAND = "#202124";

    private ReportText() {
    }

    /** The colour of the {@code k}-th backend. */
    static String color(int k) {
        return PALETTE[k % PALETTE.length];
    }

    /** The {@code k}-th backend's colour mixed with white (an opaque tint, so a screenshot shows it exactly). */
    static String tint(int k) {
        String c = color(k);
        StringBuilder sb = new StringBuilder("#");
        for (int i = 1; i < 7; i += 2) {
            int v = Integer.parseInt(c.substring(i, i + 2), 16);
            sb.append(String.format(Locale.ROOT, "%02x", Math.round(255 - (255 - v) * 0.25)));
        }
        return sb.toString();
    }

    /** A number with at most two decimals and no trailing zeros: {@code 3}, {@code 2.5}, {@code 0.33}. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.2f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** A count with thousands separators: {@code 121,500}. */
    static String count(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    /** US dollars: {@code $1,234}, {@code $12.34}, {@code $0.0421}. */
    static String usd(double v) {
        if (v >= 1000) {
            return String.format(Locale.ROOT, "$%,.0f", v);
        }
        return String.format(Locale.ROOT, v >= 1 || v == 0 ? "$%.2f" : "$%.4f", v);
    }

    /** A share 0..1 as a percentage: {@code 0.74 %}, {@code <0.01 %}. */
    static String percent(double fraction) {
        double p = 100 * fraction;
        return p > 0 && p < 0.01 ? "<0.01 %" : number(p) + " %";
    }

    /** Seconds as a reader says them: {@code 45 s}, {@code 4 min 30 s}, {@code 2 h 15 min}, {@code 3 d 4 h}. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return join(s / 60, "min", s % 60, "s");
        }
        long m = Math.round(seconds / 60);
        if (m < 24 * 60) {
            return join(m / 60, "h", m % 60, "min");
        }
        long h = Math.round(seconds / 3600);
        return join(h / 24, "d", h % 24, "h");
    }

    private static String join(long big, String bigUnit, long small, String smallUnit) {
        return small == 0 ? big + " " + bigUnit : big + " " + bigUnit + " " + small + " " + smallUnit;
    }

    /** {@code 1 rise}, {@code 2 rises}. */
    static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least {@code v}; 1 for 0 or less. */
    static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double exp = Math.pow(10, Math.floor(Math.log10(v)));
        double f = v / exp;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * exp;
    }

    /** Text escaped for XHTML content and attribute values. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
