package io.sparkbp.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The digest is a function of the examples in order, and tells labels, feature values and weights apart. */
class DataDigestTest {
    private static ParsedExample ex(double label, double x, double w) {
        return new ParsedExample(new int[] {0, 2}, new double[] {x, 1}, new double[] {label}, w);
    }

    private static DataDigest of(ParsedExample... examples) {
        DataDigest d = new DataDigest();
        for (ParsedExample e : examples) {
            d.add(e);
        }
        return d;
    }

    @Test
    void eachPartOfAnExampleChangesOnlyItsOwnDigest() {
        DataDigest base = of(ex(1, 0.5, 1), ex(0, 0.25, 2));
        DataDigest label = of(ex(1, 0.5, 1), ex(1, 0.25, 2));
        DataDigest value = of(ex(1, 0.5, 1), ex(0, 0.2500001, 2));
        DataDigest weight = of(ex(1, 0.5, 1), ex(0, 0.25, 3));
        assertNotEquals(base.labels(), label.labels());
        assertEquals(base.features(), label.features());
        assertEquals(base.weights(), label.weights());
        assertNotEquals(base.features(), value.features());
        assertEquals(base.labels(), value.labels());
        assertNotEquals(base.weights(), weight.weights());
        assertEquals(base.features(), weight.features());
        assertEquals(base.labels(), of(ex(1, 0.5, 1), ex(0, 0.25, 2)).labels(), "deterministic");
    }

    @Test
    void orderRowBoundariesAndPartitionsCount() {
        ParsedExample a = ex(1, 0.5, 1);
        ParsedExample b = ex(0, 0.25, 1);
        assertNotEquals(of(a, b).features(), of(b, a).features());
        ParsedExample both = new ParsedExample(new int[] {0, 1}, new double[] {1, 2}, new double[] {0}, 1);
        ParsedExample first = new ParsedExample(new int[] {0}, new double[] {1}, new double[] {0}, 1);
        ParsedExample second = new ParsedExample(new int[] {1}, new double[] {2}, new double[] {0}, 1);
        ParsedExample empty = new ParsedExample(new int[0], new double[0], new double[] {0}, 1);
        assertNotEquals(of(both, empty).features(), of(first, second).features(), "same values, other rows");
        DataDigest whole = new DataDigest().then(of(a)).then(of(b));
        DataDigest swapped = new DataDigest().then(of(b)).then(of(a));
        assertNotEquals(whole.labels(), swapped.labels());
        assertEquals(whole.labels(), new DataDigest().then(of(a)).then(of(b)).labels());
        assertEquals(16, whole.labels().length());
    }
}
