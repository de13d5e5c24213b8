package io.sparkbp.data;

/**
 * Strict decimal number parsing on a character range, without allocating for plain integers.
 *
 * <p>Accepted: {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}. Rejected with a
 * {@link Bad} reason: empty text, anything else (Java's {@code Double.parseDouble} extras such as
 * hex floats, {@code 1.5d} or surrounding blanks), and non-finite values ({@code NaN}, {@code inf},
 * {@code Infinity} in any case, or a literal that overflows, e.g. {@code 1e400}).
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
        int i = from;
        char c = s.charAt(i);
        boolean negative = false;
        if (c == '+' || c == '-') {
            negative = c == '-';
            i++;
        }
        int body = i;
        long m = 0;
        int significant = 0;
        int scale = 0;
        int intDigits = 0;
        int fracDigits = 0;
        while (i < to && isDigit(c = s.charAt(i))) {
            int d = c - '0';
            if (m != 0 || d != 0) {
                if (significant < 18) {
                    m = m * 10 + d;
                }
                significant++;
            }
            intDigits++;
            i++;
        }
        int extraIntDigits = Math.max(0, significant - 18);
        if (i < to && s.charAt(i) == '.') {
            i++;
            while (i < to && isDigit(c = s.charAt(i))) {
                int d = c - '0';
                if (m != 0 || d != 0) {
                    if (significant < 18) {
                        m = m * 10 + d;
                        scale++;
                    }
                    significant++;
                } else {
                    scale++;
                }
                fracDigits++;
                i++;
            }
        }
        if (intDigits + fracDigits == 0) {
            String word = s.substring(body, to);
            if (word.equalsIgnoreCase("nan") || word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("infinity")) {
                throw Bad.NOT_FINITE;
            }
            throw Bad.SYNTAX;
        }
        int exp = 0;
        if (i < to && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            boolean expNegative = false;
            if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                expNegative = s.charAt(i) == '-';
                i++;
            }
            int expDigits = 0;
            while (i < to && isDigit(c = s.charAt(i))) {
                exp = Math.min(exp * 10 + (c - '0'), 100_000);
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                throw Bad.SYNTAX;
            }
            if (expNegative) {
                exp = -exp;
            }
        }
        if (i != to) {
            throw Bad.SYNTAX;
        }
        if (m == 0) {
            return negative ? -0.0 : 0.0;
        }
        int e10 = exp - scale + extraIntDigits;
        if (significant <= 15 && e10 >= -22 && e10 <= 22) {
            double v = e10 >= 0 ? m * POW10[e10] : m / POW10[-e10];
            return negative ? -v : v;
        }
        double d = Double.parseDouble(s.substring(from, to));
        if (Double.isInfinite(d)) {
            throw Bad.NOT_FINITE;
        }
        return d;
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
        if (significant == 0) {
            return negative ? -0.0 : 0.0;
        }
        int e10 = exp - scale;
        if (significant <= 15 && e10 >= -22 && e10 <= 22) {
            double v = e10 >= 0 ? m * POW10[e10] : m / POW10[-e10];
            return negative ? -v : v;
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
