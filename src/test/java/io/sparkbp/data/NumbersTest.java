package io.sparkbp.data;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NumbersTest {
    private static double parse(String s) throws Numbers.Bad {
        String padded = "[" + s + "]";
        return Numbers.parse(padded, 1, padded.length() - 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "+7", "16", "123456789012345", "1234567890123456789", "1.5", "-.5", "5.",
            "1e3", "1E-3", "+2.5e+10", "0.004242", "5.3660000000000005", "1e308",
            "0.008", "0.992", "000123.4500", "1e22", "1e23", "123456789012345e-22", "0.1e-300", "4.9e-324", "1e-400",
            "0e99999", "9007199254740993", "179769313486231570000000000000000000000e270"})
    void acceptsDecimals(String s) throws Numbers.Bad {
        assertEquals(Double.parseDouble(s), parse(s), 0.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1.5f", "1d", "0x10", "0x1p3", "1,5", "1e", "1e+", ".", "-", "+", "1..2", "1 2",
            "--1", "1-", "e5", " 1", "1:2", "Infinityx"})
    void rejectsSyntax(String s) {
        assertSame(Numbers.Bad.SYNTAX, assertThrows(Numbers.Bad.class, () -> parse(s)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "nan", "-NaN", "Infinity", "-Infinity", "inf", "+INF", "1e400", "-1e999"})
    void rejectsNonFinite(String s) {
        assertSame(Numbers.Bad.NOT_FINITE, assertThrows(Numbers.Bad.class, () -> parse(s)));
    }

    /** Random decimal texts of every shape parse bit-for-bit like {@code Double.parseDouble}. */
    @org.junit.jupiter.api.Test
    void randomDecimalsMatchTheJdk() throws Numbers.Bad {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        for (int n = 0; n < 200_000; n++) {
            StringBuilder sb = new StringBuilder();
            if (rng.nextInt(4) == 0) {
                sb.append(rng.nextBoolean() ? '-' : '+');
            }
            int intDigits = rng.nextInt(n % 2 == 0 ? 4 : 22);
            for (int k = 0; k < intDigits; k++) {
                sb.append((char) ('0' + rng.nextInt(10)));
            }
            int fracDigits = rng.nextInt(n % 3 == 0 ? 4 : 22);
            if (intDigits == 0 && fracDigits == 0) {
                fracDigits = 1;
            }
            if (fracDigits > 0 || rng.nextInt(5) == 0) {
                sb.append('.');
            }
            for (int k = 0; k < fracDigits; k++) {
                sb.append((char) ('0' + rng.nextInt(10)));
            }
            if (rng.nextInt(3) == 0) {
                sb.append(rng.nextBoolean() ? 'e' : 'E').append(rng.nextBoolean() ? "-" : "")
                        .append(rng.nextInt(rng.nextBoolean() ? 30 : 330));
            }
            String text = sb.toString();
            double expected = Double.parseDouble(text);
            if (Double.isInfinite(expected)) {
                assertSame(Numbers.Bad.NOT_FINITE, assertThrows(Numbers.Bad.class, () -> parse(text)));
            } else {
                assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(parse(text)), text);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void rejectsEmpty() {
        assertSame(Numbers.Bad.EMPTY, assertThrows(Numbers.Bad.class, () -> parse("")));
    }
}
