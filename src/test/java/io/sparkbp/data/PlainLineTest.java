package io.sparkbp.data;

import io.sparkbp.nn.OutputKind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The byte-level LIBSVM path gives exactly what the String path gives, or declines. */
class PlainLineTest {
    private static final LineParser SOFTMAX = LineParser.libsvm(20, 3, OutputKind.SOFTMAX);
    private static final LineParser BINARY = LineParser.libsvm(20, 1, OutputKind.LOGISTIC);

    /** One row per parser, reused from line to line as a pass over text reuses it. */
    private static final java.util.Map<LineParser, ExampleRow> ROWS = new java.util.IdentityHashMap<>();

    /** The byte path's example of {@code line}, checked to be what parsing into a reused row gives, or null. */
    private static ParsedExample plain(LineParser p, String line) {
        byte[] b = (line + "garbage").getBytes(StandardCharsets.UTF_8);
        int length = line.getBytes(StandardCharsets.UTF_8).length;
        ParsedExample e = p.parsePlain(b, length);
        ExampleRow row = ROWS.computeIfAbsent(p, q -> new ExampleRow(q.inputs(), q.outputs()));
        assertEquals(e != null, p.parsePlain(b, length, row), line);
        if (e != null) {
            assertSameExample(e, row.toExample(), line);
        }
        return e;
    }

    private static void assertSameExample(ParsedExample want, ParsedExample got, String line) {
        assertArrayEquals(want.indices(), got.indices(), line);
        assertEquals(want.values().length, got.values().length, line);
        for (int k = 0; k < want.values().length; k++) {
            assertEquals(Double.doubleToLongBits(want.values()[k]), Double.doubleToLongBits(got.values()[k]), line);
        }
        assertArrayEquals(want.targets(), got.targets(), line);
        assertEquals(want.weight(), got.weight(), line);
    }

    @Test
    void plainLinesParseAsTheirText() {
        for (String line : new String[] {"2 1:0.5 3:-1e-3 20:7", "  0\t1:0 2:5.\t", "1 4:1.5e+2 5:0.1e-300\r",
                "-0 1:+3", "2", "1 2:1234567890.1234567 3:4.9e-324", "1 1:-.5 2:+5. 3:00012.50 4:-0.0 5:0.000",
                "1 1:0.00000000000000000000001 2:123456789012345.6 3:12345678901234.56 4:99999999999999999999",
                "1 1:0.1234567890123456789012 2:1.2e3\t3:7\r", "0 1:1.5 2:0. 3:.0 4:-00"}) {
            ParsedExample got = plain(SOFTMAX, line);
            assertSameExample(SOFTMAX.parse(line), got, line);
        }
        assertEquals(1.0, plain(BINARY, "1 1:2").targets()[0]);
        assertEquals(0.0, plain(BINARY, "0.0 1:2").targets()[0]);
    }

    @Test
    void declinesWhatTheStringPathMustDecide() {
        for (String line : new String[] {"", "   ", "# c", "3 1:1", "1.5 1:1", "1 2:1 1:1", "1 1:1 1:2", "1 0:1",
                "1 21:1", "1 1:nan", "1 1:1e400", "1 1:0x1", "1 1:1 # c", "\uFEFF1 1:1", "1 1:\u00e91", "1 1:",
                "1 :1", "1 1", "1 1:2:3", "1 05:1 5:1", "-1 1:1", "1 1:1.2.3", "1 1:1x", "1 1:-", "1 1:+", "1 1:.",
                "1 1:1e", "1 1:--1", "1 1:1.5-", "1 1:1..5", "1 1:1,5"}) {
            assertNull(plain(SOFTMAX, line), line);
        }
        assertNull(plain(BINARY, "2 1:1"));
        assertNull(plain(LineParser.libsvm(20, 2, OutputKind.LOGISTIC), "0,1 1:1"));
    }

    @Test
    void randomLinesMatchTheStringPath() {
        SplittableRandom rng = new SplittableRandom(11);
        int plainSeen = 0;
        for (int n = 0; n < 50_000; n++) {
            StringBuilder sb = new StringBuilder().append(rng.nextInt(4));
            int j = 0;
            while (true) {
                j += 1 + rng.nextInt(rng.nextInt(10) == 0 ? 1 : 4) - (rng.nextInt(50) == 0 ? 2 : 0);
                if (j > 22) {
                    break;
                }
                double v = rng.nextInt(5) == 0 ? 0 : rng.nextDouble(-1e3, 1e3) * Math.pow(10, rng.nextInt(-30, 30));
                String text = switch (rng.nextInt(3)) {
                    case 0 -> Double.toString(v);
                    case 1 -> String.format(java.util.Locale.ROOT, "%." + rng.nextInt(18) + "g", v);
                    default -> String.format(java.util.Locale.ROOT, "%." + rng.nextInt(25) + "f",
                            v / Math.pow(10, rng.nextInt(-3, 30))); // plain decimals, many digits or few
                };
                sb.append(rng.nextBoolean() ? " " : "\t").append(j).append(':').append(text);
            }
            String line = sb.toString();
            ParsedExample got = plain(SOFTMAX, line);
            ParsedExample want;
            try {
                want = SOFTMAX.parse(line);
            } catch (DataException e) {
                assertNull(got, line);
                continue;
            }
            if (got != null) {
                plainSeen++;
                assertSameExample(want, got, line);
            }
        }
        assertEquals(true, plainSeen > 5_000, "plain lines seen: " + plainSeen);
    }
}
