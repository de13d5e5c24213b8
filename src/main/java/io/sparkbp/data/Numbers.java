package io.sparkbp.data;

/**
 * Strict decimal number parsing on a character range, without allocating for plain integers.
 *
 * <p>Accepted: {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}. Rejected with a
 * {@link Bad} reason: empty text, anything else (Java's {@code Double.parseDouble} extras such as
 * hex floats, {@code 1.5d} or surrounding blanks), and non-finite values ({@code NaN}, {@code inf},
 * {@code Infinity} in any case) and a literal that overflows ({@code 1e400}, {@link Bad#OUT_OF_RANGE}).
 */
final class Numbers {
    private Numbers() {
    }

    /** Why a text is not a finite number. Shared stackless instances; cheap to throw. */
    static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;
        static final Bad EMPTY = new Bad("empty");
        static final Bad SYNTAX = new Bad("syntax");
        static final Bad NOT_FINITE = new Bad("not finite");
        /** A decimal literal whose magnitude is beyond {@link Double#MAX_VALUE} ({@code 1e400}): a number, but no double. */
        static final Bad OUT_OF_RANGE = new Bad("out of the double range");

        private Bad(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Exact powers of ten, 10^0..10^22. */
    private static final double[] POW10 = new double[23];

    static {
        POW10[0] = 1;
        for (int k = 1; k < POW10.length; k++) {
            POW10[k] = POW10[k - 1] * 10;
        }
    }

    /**
     * The finite value of {@code s[from, to)}, correctly rounded (equal to {@code Double.parseDouble}). Fast
     * path without allocation (Clinger): at most 15 significant digits and a decimal exponent within +-22,
     * where one multiplication or division of two exact doubles rounds correctly.
     */
    static double parse(String s, int from, int to) throws Bad {
        if (from >= to) {
            throw Bad.EMPTY;
        }
        boolean negative = s.charAt(from) == '-';
        int body = negative || s.charAt(from) == '+' ? from + 1 : from;
        int i = body;
        long m = 0;
        int significant = 0;
        int scale = 0;
        int digits = 0;
        boolean fraction = false;
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (isDigit(c)) {
                int d = c - '0';
                digits++;
                if (m != 0 || d != 0) {
                    significant++;
                    m = m * 10 + d; // only used when significant <= 15: no overflow then
                }
                if (fraction) {
                    scale++;
                }
            } else if (c == '.' && !fraction) {
                fraction = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            throw noDigits(s.substring(body, to));
        }
        int exp = 0;
        if (i < to && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            exp = exponent(s, i + 1, to);
            i = to;
        }
        if (i != to) {
            throw Bad.SYNTAX;
        }
        double v = exact(negative, m, significant, exp - scale);
        if (v == v) {
            return v;
        }
        double d = Double.parseDouble(s.substring(from, to));
        if (Double.isInfinite(d)) {
            throw Bad.OUT_OF_RANGE;
        }
        return d;
    }

    /** Why a text after its sign, {@code word}, that has no digit is no number: a non-finite word, else syntax. */
    private static Bad noDigits(String word) {
        if (word.equalsIgnoreCase("nan") || word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("infinity")) {
            return Bad.NOT_FINITE;
        }
        return Bad.SYNTAX;
    }

    /** The exponent {@code [+-]? digits} that is all of {@code s[from, to)}, saturated at +-100000. */
    private static int exponent(String s, int from, int to) throws Bad {
        int i = from;
        boolean negative = false;
        if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (i == to) {
            throw Bad.SYNTAX;
        }
        int exp = 0;
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                throw Bad.SYNTAX;
            }
            exp = Math.min(exp * 10 + (c - '0'), 100_000);
        }
        return negative ? -exp : exp;
    }

    /**
     * The value {@code (negative ? -1 : 1) * m * 10^e10} of a mantissa of {@code significant} digits when
     * it is zero or Clinger's fast path rounds it exactly (at most 15 digits, {@code |e10| <= 22}); NaN
     * when the caller must use {@code Double.parseDouble}.
     */
    private static double exact(boolean negative, long m, int significant, int e10) {
        if (significant == 0) {
            return negative ? -0.0 : 0.0;
        }
        if (significant <= 15 && e10 >= -22 && e10 <= 22) {
            double v = e10 >= 0 ? m * POW10[e10] : m / POW10[-e10];
            return negative ? -v : v;
        }
        return Double.NaN;
    }

    /**
     * The value of the ASCII text {@code b[from, to)} when it is a finite decimal number in the syntax of
     * {@link #parse}, equal bit for bit to {@code Double.parseDouble}; NaN for every other text (empty,
     * bad syntax, words, overflow), which the caller hands to {@link #parse} for the exact error. Clinger's
     * fast path (at most 15 significant digits, decimal exponent within +-22) needs no allocation; other
     * valid texts go to {@code Double.parseDouble}.
     */
    static double parseAscii(byte[] b, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        long m = 0;
        int significant = 0;
        int scale = 0;
        int digits = 0;
        boolean fraction = false;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d >= 0 && d <= 9) {
                digits++;
                if (m != 0 || d != 0) {
                    significant++;
                    m = m * 10 + d; // only used when significant <= 15: no overflow then
                }
                if (fraction) {
                    scale++;
                }
            } else if (b[i] == '.' && !fraction) {
                fraction = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        int exp = 0;
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            int e = asciiExponent(b, i + 1, to);
            if (e == Integer.MIN_VALUE) {
                return Double.NaN;
            }
            exp = e;
            i = to;
        }
        if (i != to) {
            return Double.NaN;
        }
        double fast = exact(negative, m, significant, exp - scale);
        if (fast == fast) {
            return fast;
        }
        double v = Double.parseDouble(new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1));
        return Double.isInfinite(v) ? Double.NaN : v;
    }

    /** The exponent {@code [+-]? digits} in {@code b[from, to)} (saturated at +-100000), or MIN_VALUE if it is not one. */
    private static int asciiExponent(byte[] b, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        if (i == to) {
            return Integer.MIN_VALUE;
        }
        int exp = 0;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return Integer.MIN_VALUE;
            }
            exp = Math.min(exp * 10 + d, 100_000);
        }
        return negative ? -exp : exp;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
