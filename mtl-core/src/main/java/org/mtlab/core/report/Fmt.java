package org.mtlab.core.report;

import java.util.Locale;
import org.mtlab.core.analysis.StudyAnalysis.Spread;

/** Number formatting shared by the report's sentences and renderers (locale-independent). */
final class Fmt {
    private Fmt() {
    }

    /** A metric value: four significant digits. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e6) {
            int decimals = Math.max(0, 3 - (int) Math.floor(Math.log10(a)));
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
        return String.format(Locale.ROOT, "%.3e", v);
    }

    static String signed(double v, int decimals) {
        return String.format(Locale.ROOT, "%+." + decimals + "f", v);
    }

    static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Relative change in percent, signed, one decimal; "0.0%" when it rounds to zero (never "-0.0%"). */
    static String pct(double v) {
        return Math.abs(v) < 0.05 ? "0.0%" : signed(v, 1) + "%";
    }

    /** "mean ± std (n seeds)", or "mean (1 seed)". */
    static String spread(Spread s) {
        if (s == null) {
            return "n/a";
        }
        return s.n() < 2 ? num(s.mean()) + " (1 seed)" : num(s.mean()) + " ± " + num(s.std()) + " (" + s.n() + " seeds)";
    }

    /** A spread of percentages: "+6.31 ± 9.60". */
    static String pctSpread(Spread s) {
        if (s == null) {
            return "n/a";
        }
        return s.n() < 2 ? signed(s.mean(), 2) : signed(s.mean(), 2) + " ± " + fixed(s.std(), 2);
    }

    /** "mean ± std" without the count. */
    static String meanStd(Spread s) {
        if (s == null) {
            return "n/a";
        }
        return s.n() < 2 ? num(s.mean()) : num(s.mean()) + " ± " + num(s.std());
    }
}
