package io.sparkbp.math;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BulkIoTest {
    /** Lengths around the chunk boundaries of both element sizes. */
    private static final int D = BulkIo.CHUNK / 8;
    private static final int F = BulkIo.CHUNK / 4;

    private static double[] doubles(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Double.longBitsToDouble(rng.nextLong());
        }
        if (n > 3) {
            v[0] = -0.0;
            v[1] = Double.longBitsToDouble(0x7ff8_dead_beef_0001L); // a NaN with a payload
            v[2] = Double.MIN_VALUE;
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8191, 8192, 8193, 3 * 8192 + 5})
    void doublesRoundTripBitForBitAtEveryLengthAndOffset(int n) throws IOException {
        assertEquals(8192, D);
        double[] v = doubles(n + 6, n);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        BulkIo.writeDoubles(out, v, 3, n);
        out.flush();
        assertEquals(8L * n, bytes.size());
        double[] back = new double[n + 2];
        back[0] = 42;
        back[n + 1] = 43;
        BulkIo.readDoubles(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), back, 1, n);
        for (int i = 0; i < n; i++) {
            assertEquals(Double.doubleToRawLongBits(v[3 + i]), Double.doubleToRawLongBits(back[1 + i]), "value " + i);
        }
        assertEquals(42, back[0]);
        assertEquals(43, back[n + 1]);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 16383, 16384, 16385, 40000})
    void floatsRoundTripBitForBit(int n) throws IOException {
        assertEquals(16384, F);
        SplittableRandom rng = new SplittableRandom(n);
        float[] v = new float[n + 1];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.intBitsToFloat(rng.nextInt());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        BulkIo.writeFloats(out, v, 1, n);
        out.flush();
        assertEquals(4L * n, bytes.size());
        float[] back = new float[n];
        BulkIo.readFloats(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), back, 0, n);
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits(v[1 + i]), Float.floatToRawIntBits(back[i]), "value " + i);
        }
    }

    @org.junit.jupiter.api.Test
    void theBytesAreLittleEndianIeeeBitsAndATruncatedStreamFails() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        BulkIo.writeDoubles(out, new double[] {1.0}, 0, 1);
        out.flush();
        byte[] b = bytes.toByteArray();
        // 1.0 = 0x3ff0000000000000, least significant byte first
        assertEquals(0x3f, b[7] & 0xff);
        assertEquals(0xf0, b[6] & 0xff);
        assertEquals(0, b[0]);
        assertThrows(EOFException.class, () -> BulkIo.readDoubles(
                new DataInputStream(new ByteArrayInputStream(b, 0, 5)), new double[1], 0, 1));
    }
}
