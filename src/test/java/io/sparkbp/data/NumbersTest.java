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
    @ValueSource(strings = {"NaN", "nan", "-NaN", "Infinity", "-Infinity", "inf", "+INF"})
    void rejectsNonFinite(String s) {
        assertSame(Numbers.Bad.NOT_FINITE, assertThrows(Numbers.Bad.class, () -> parse(s)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e400", "-1e999", "1.8e308"})
    void rejectsLiteralsBeyondTheDoubleRange(String s) {
        assertSame(Numbers.Bad.OUT_OF_RANGE, assertThrows(Numbers.Bad.class, () -> parse(s)));
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
                assertSame(Numbers.Bad.OUT_OF_RANGE, assertThrows(Numbers.Bad.class, () -> parse(text)));
            } else {
                assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(parse(text)), text);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void rejectsEmpty() {
        assertSame(Numbers.Bad.EMPTY, assertThrows(Numbers.Bad.class, () -> parse("")));
    }

    /** The byte parser agrees bit for bit with the JDK on everything it accepts, and declines (NaN) the rest. */
    @org.junit.jupiter.api.Test
    void asciiBytesMatchTheJdk() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        String[] fixed = {"0", "-0", "+7", "1234567890123456789", "1.5", "-.5", "5.", "1e3", "1E-3", "+2.5e+10",
                "1e22", "1e23", "123456789012345e-22", "4.9e-324", "2.4703282292062327e-324", "1e-400", "0e99999",
                "9007199254740993", "1.7976931348623157e308", "2.2250738585072014E-308", "0.1", "0.3"};
        for (String t : fixed) {
            assertEquals(Double.doubleToLongBits(Double.parseDouble(t)), Double.doubleToLongBits(ascii(t)), t);
        }
        for (String t : new String[] {"", ".", "-", "1e", "1e+", "1..2", "nan", "inf", "1e400", "0x1", "1,5", "1 ", "1.5f"}) {
            assertEquals(true, Double.isNaN(ascii(t)), t);
        }
        for (int n = 0; n < 200_000; n++) {
            double v = n % 2 == 0 ? Double.longBitsToDouble(rng.nextLong()) : rng.nextDouble() * Math.pow(10, rng.nextInt(-40, 40));
            String t = n % 3 == 0 ? String.format(java.util.Locale.ROOT, "%." + rng.nextInt(20) + "e", v) : Double.toString(v);
            double want = Double.parseDouble(t);
            double got = ascii(t);
            if (Double.isFinite(want)) {
                assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got), t);
            } else {
                assertEquals(true, Double.isNaN(got), t);
            }
        }
    }

    private static double ascii(String s) {
        byte[] b = ("[" + s + "]").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return Numbers.parseAscii(b, 1, b.length - 1);
    }
}
