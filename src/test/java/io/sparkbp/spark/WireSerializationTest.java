package io.sparkbp.spark;

import io.sparkbp.nn.GradientAccumulator;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.reflect.ClassTag$;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What crosses the wire every step (a task's gradient sums, the broadcast weights) survives both of
 * Spark's serializers bit for bit: Java serialization, which they write in bulk, and Kryo (a user's
 * {@code spark.serializer} choice), which sees their plain fields.
 */
class WireSerializationTest {
    private static SerializerInstance serializer(String kind) {
        SparkConf conf = new SparkConf(false);
        Serializer s = kind.equals("java") ? new JavaSerializer(conf) : new KryoSerializer(conf);
        return s.newInstance();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(SerializerInstance s, T value) {
        ByteBuffer bytes = s.serialize(value, ClassTag$.MODULE$.AnyRef());
        return (T) s.deserialize(bytes, ClassTag$.MODULE$.AnyRef());
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "kryo"})
    void gradientSumsRoundTripBitForBit(String kind) {
        SerializerInstance s = serializer(kind);
        int n = 20_011; // more than two bulk chunks
        GradientAccumulator acc = new GradientAccumulator(n);
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            acc.gradSum()[i] = rng.nextGaussian() * Math.pow(10, rng.nextInt(-300, 300));
        }
        acc.gradSum()[5] = -0.0;
        acc.addTotals(12.75, 3.5, 7);
        AtomicInteger written = new AtomicInteger();
        acc.afterSerialization(written::incrementAndGet);
        GradientAccumulator back = roundTrip(s, acc);
        assertEquals(n, back.gradSum().length);
        for (int i = 0; i < n; i++) {
            assertEquals(Double.doubleToRawLongBits(acc.gradSum()[i]), Double.doubleToRawLongBits(back.gradSum()[i]));
        }
        assertEquals(12.75, back.lossSum());
        assertEquals(3.5, back.weightSum());
        assertEquals(7, back.count());
        assertEquals(kind.equals("java") ? 1 : 0, written.get(), "the recycling hook runs once, after a Java write");
        // the copy is a working accumulator
        back.merge(acc);
        assertEquals(2 * acc.gradSum()[1], back.gradSum()[1]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "kryo"})
    void broadcastWeightsRoundTripInBothPrecisionsAndOtherValuesPassThrough(String kind) {
        SerializerInstance s = serializer(kind);
        SplittableRandom rng = new SplittableRandom(5);
        double[] d = new double[9_000];
        float[] f = new float[17_000];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextGaussian();
        }
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) rng.nextGaussian();
        }
        assertArrayEquals(d, roundTrip(s, new OrderedAggregate.Bulk<>(d)).value());
        assertArrayEquals(f, roundTrip(s, new OrderedAggregate.Bulk<>(f)).value());
        assertArrayEquals(new double[0], roundTrip(s, new OrderedAggregate.Bulk<>(new double[0])).value());
        assertEquals("weights", roundTrip(s, new OrderedAggregate.Bulk<>("weights")).value());
    }

    @org.junit.jupiter.api.Test
    void javaBytesOfTheWeightsAreTheirRawSizePlusStreamFraming() {
        // the raw 8 bytes per value, plus Java's block-data framing (a few bytes per KiB) and a header
        double[] d = new double[100_000];
        ByteBuffer bytes = serializer("java").serialize(new OrderedAggregate.Bulk<>(d), ClassTag$.MODULE$.AnyRef());
        assertTrue(bytes.remaining() >= 8 * d.length && bytes.remaining() < 8 * d.length * 1.01,
                bytes.remaining() + " bytes");
    }
}
