package io.sparkbp.model;

import io.sparkbp.data.Transform;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelTest {
    static final NetworkSpec SPEC = new NetworkSpec(new int[] {3, 4, 2}, Activation.TANH, OutputKind.LINEAR);

    static double[] theta(NetworkSpec spec) {
        double[] t = new double[spec.numParams()];
        for (int p = 0; p < t.length; p++) {
            t[p] = 0.25 * p - 3.0;
        }
        return t;
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void accessorsFollowTheColumnMajorLayout() {
        double[] t = theta(SPEC);
        Model m = new Model(SPEC, t);
        for (int l = 0; l < SPEC.numWeightLayers(); l++) {
            int in = SPEC.width(l);
            int out = SPEC.width(l + 1);
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    assertEquals(t[SPEC.weightOffset(l) + i * out + o], m.weight(l, o, i));
                }
                assertEquals(t[SPEC.biasOffset(l) + o], m.bias(l, o));
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> m.weight(0, 4, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> m.weight(0, 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> m.bias(1, 2));
        assertEquals(SPEC.numParams(), m.numParams());
        assertTrue(m.inputTransform().isEmpty());
        assertTrue(m.outputTransform().isEmpty());
        assertTrue(m.extra().isEmpty());
    }

    @Test
    void parametersAreCopiedInAndOut() {
        double[] t = theta(SPEC);
        Model m = new Model(SPEC, t);
        t[0] = 99;
        assertEquals(-3.0, m.theta()[0]);
        m.theta()[0] = 42;
        assertEquals(-3.0, m.theta()[0]);
        double[] mean = {1, 2, 3};
        Transform tr = new Transform(mean, new double[] {1, 1, 1});
        mean[0] = 7;
        assertEquals(1.0, tr.mean(0));
        tr.mean()[0] = 7;
        assertEquals(1.0, tr.mean()[0]);
    }

    @Test
    void rejectsInvalidParameters() {
        assertTrue(message(() -> new Model(SPEC, new double[3])).contains("needs " + SPEC.numParams()));
        double[] t = theta(SPEC);
        t[5] = Double.NaN;
        assertTrue(message(() -> new Model(SPEC, t)).contains("parameter 5 is NaN"));
        t[5] = Double.POSITIVE_INFINITY;
        assertTrue(message(() -> new Model(SPEC, t)).contains("parameter 5 is Infinity"));
        assertThrows(IllegalArgumentException.class, () -> new Model(null, t));
        assertThrows(IllegalArgumentException.class, () -> new Model(SPEC, null));
    }

    @Test
    void rejectsInvalidTransforms() {
        double[] one3 = {1, 1, 1};
        assertTrue(message(() -> new Transform(new double[2], one3)).contains("mean has 2 values but scale has 3"));
        assertTrue(message(() -> new Transform(new double[0], new double[0])).contains("at least one"));
        assertTrue(message(() -> new Transform(new double[] {0, Double.NaN, 0}, one3)).contains("mean[1] is NaN"));
        for (double bad : new double[] {0.0, -0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertTrue(message(() -> new Transform(new double[3], new double[] {1, 1, bad}))
                    .contains("scale[2] is " + bad + "; scales must be positive and finite"));
        }
        Transform t3 = new Transform(new double[3], one3);
        Transform t2 = new Transform(new double[2], new double[] {1, 1});
        double[] theta = theta(SPEC);
        assertTrue(message(() -> new Model(SPEC, theta, t2, null, null))
                .contains("input transform has 2 coordinates"));
        assertTrue(message(() -> new Model(SPEC, theta, null, t3, null))
                .contains("output transform has 3 coordinates"));
        NetworkSpec softmax = new NetworkSpec(new int[] {3, 2}, Activation.SIGMOID, OutputKind.SOFTMAX);
        assertTrue(message(() -> new Model(softmax, new double[softmax.numParams()], null, t2, null))
                .contains("only allowed for linear output, not softmax"));
        Model ok = new Model(SPEC, theta, t3, t2, null);
        assertEquals(t3, ok.inputTransform().orElseThrow());
        assertEquals(t2, ok.outputTransform().orElseThrow());
    }

    @Test
    void transformArithmetic() {
        Transform t = new Transform(new double[] {1.0, -2.0}, new double[] {4.0, 0.5});
        assertEquals((3.0 - 1.0) / 4.0, t.apply(0, 3.0));
        assertEquals((3.0 + 2.0) / 0.5, t.apply(1, 3.0));
        double[] dst = new double[3];
        t.apply(new double[] {9, 3.0, 3.0}, 1, dst, 1);
        assertArrayEquals(new double[] {0, 0.5, 10.0}, dst);
        assertEquals(0.5 * 4.0 + 1.0, t.invert(0, 0.5));
        double[] y = {0.5, 2.0};
        t.invertInPlace(y, 0);
        assertArrayEquals(new double[] {3.0, -1.0}, y);
        assertTrue(t.centers());
        assertFalse(new Transform(new double[] {0.0, -0.0}, new double[] {1, 2}).centers());
    }

    @Test
    void extraIsNormalizedOrderedAndUnmodifiable() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("zeta", 1);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("b.key", "x");
        config.put("a.key", new StringBuilder("y"));
        extra.put("config", config);
        extra.put("metrics", Map.of("loss", 0.5f));
        extra.put("history", new double[] {1.5, 2.5});
        extra.put("counts", new int[] {1, 2});
        extra.put("longs", new long[] {3L});
        extra.put("list", new Object[] {true, null, (short) 4, (byte) 5});
        extra.put("nothing", null);
        Model m = new Model(SPEC, theta(SPEC), null, null, extra);
        Map<String, Object> e = m.extra();
        assertEquals(List.of("zeta", "config", "metrics", "history", "counts", "longs", "list", "nothing"),
                new ArrayList<>(e.keySet()));
        assertEquals(1L, e.get("zeta"));
        assertEquals(List.of("b.key", "a.key"), new ArrayList<>(((Map<?, ?>) e.get("config")).keySet()));
        assertEquals("y", ((Map<?, ?>) e.get("config")).get("a.key"));
        assertEquals(0.5, ((Map<?, ?>) e.get("metrics")).get("loss"));
        assertEquals(List.of(1.5, 2.5), e.get("history"));
        assertEquals(List.of(1L, 2L), e.get("counts"));
        assertEquals(List.of(3L), e.get("longs"));
        assertEquals(java.util.Arrays.asList(true, null, 4L, 5L), e.get("list"));
        assertTrue(e.containsKey("nothing"));
        assertThrows(UnsupportedOperationException.class, () -> e.put("x", 1));
        assertThrows(UnsupportedOperationException.class, () -> ((Map<?, ?>) e.get("config")).clear());
        config.put("later", "change");
        assertFalse(((Map<?, ?>) m.extra().get("config")).containsKey("later"));
    }

    @Test
    void rejectsInvalidExtra() {
        double[] t = theta(SPEC);
        assertTrue(message(() -> new Model(SPEC, t, null, null, Map.of("weights", 1)))
                .contains("extra metadata key 'weights' is a field of the model file itself"));
        assertTrue(message(() -> new Model(SPEC, t, null, null, Map.of("m", Map.of("loss", Double.NaN))))
                .contains("extra metadata 'm.loss' is NaN"));
        assertTrue(message(() -> new Model(SPEC, t, null, null, Map.of("m", List.of(1, new Object()))))
                .contains("extra metadata 'm[1]' is a java.lang.Object"));
        assertTrue(message(() -> new Model(SPEC, t, null, null, Map.of("m", Map.of(3, "x"))))
                .contains("non-string key 3"));
        assertTrue(message(() -> new Model(SPEC, t, null, null, Map.of("m", new java.math.BigDecimal("1.5"))))
                .contains("only strings, booleans, numbers, maps, lists and null"));
    }

    @Test
    void equalityIsBitForBit() {
        double[] a = theta(SPEC);
        double[] b = a.clone();
        assertEquals(new Model(SPEC, a), new Model(SPEC, b));
        assertEquals(new Model(SPEC, a).hashCode(), new Model(SPEC, b).hashCode());
        a[0] = 0.0;
        b[0] = -0.0;
        assertNotEquals(new Model(SPEC, a), new Model(SPEC, b));
        assertNotEquals(new Model(SPEC, a), new Model(SPEC, a, null, null, Map.of("k", "v")));
        assertNotEquals(new Model(SPEC, a),
                new Model(SPEC, a, new Transform(new double[3], new double[] {1, 1, 1}), null, null));
    }

    @Test
    void javaSerializationGoesThroughTheValidatingConstructor() throws Exception {
        Model m = new Model(SPEC, theta(SPEC), new Transform(new double[] {1, 2, 3}, new double[] {1, 2, 3}),
                new Transform(new double[] {0, -0.0}, new double[] {5, 6}),
                Map.of("config", Map.of("k", "v"), "metrics", List.of(1.0, 2L)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(m);
        }
        Object back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = in.readObject();
        }
        assertEquals(m, back);
        assertTrue(m.withExtra(null).extra().isEmpty());
        assertTrue(m.withTransforms(null, null).inputTransform().isEmpty());
        assertTrue(m.toString().contains("[3, 4, 2] tanh/linear"));
    }
}
