package io.sparkbp.math;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes and reads whole {@code double[]} and {@code float[]} ranges as raw little-endian bytes,
 * a chunk at a time, instead of one value per call. Java serialization of a primitive array
 * converts element by element, which for a gradient of a few hundred thousand parameters costs
 * milliseconds on both ends of every task result; here each chunk is one bulk copy. The format is
 * exactly the values' IEEE bits, so a round trip is lossless (NaN payloads and signed zeros
 * included). The float methods are twins of the double ones: Java has no generics over primitive
 * arrays, and a boxed or per-element accessor would cost what this class saves.
 */
public final class BulkIo {
    /** Bytes converted per chunk: large enough for bulk copies, small enough to stay in cache. */
    static final int CHUNK = 64 * 1024;

    private BulkIo() {
    }

    /** Writes {@code v[off..off+n)} as {@code 8n} bytes. */
    public static void writeDoubles(DataOutput out, double[] v, int off, int n) throws IOException {
        byte[] buf = new byte[Math.min(CHUNK, 8 * n)];
        ByteBuffer bytes = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < n; ) {
            int k = Math.min(n - done, buf.length / 8);
            bytes.clear();
            bytes.asDoubleBuffer().put(v, off + done, k);
            out.write(buf, 0, 8 * k);
            done += k;
        }
    }

    /** Reads {@code 8n} bytes written by {@link #writeDoubles} into {@code v[off..off+n)}. */
    public static void readDoubles(DataInput in, double[] v, int off, int n) throws IOException {
        byte[] buf = new byte[Math.min(CHUNK, 8 * n)];
        ByteBuffer bytes = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < n; ) {
            int k = Math.min(n - done, buf.length / 8);
            in.readFully(buf, 0, 8 * k);
            bytes.clear();
            bytes.asDoubleBuffer().get(v, off + done, k);
            done += k;
        }
    }

    /** Writes {@code v[off..off+n)} as {@code 4n} bytes. */
    public static void writeFloats(DataOutput out, float[] v, int off, int n) throws IOException {
        byte[] buf = new byte[Math.min(CHUNK, 4 * n)];
        ByteBuffer bytes = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < n; ) {
            int k = Math.min(n - done, buf.length / 4);
            bytes.clear();
            bytes.asFloatBuffer().put(v, off + done, k);
            out.write(buf, 0, 4 * k);
            done += k;
        }
    }

    /** Reads {@code 4n} bytes written by {@link #writeFloats} into {@code v[off..off+n)}. */
    public static void readFloats(DataInput in, float[] v, int off, int n) throws IOException {
        byte[] buf = new byte[Math.min(CHUNK, 4 * n)];
        ByteBuffer bytes = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < n; ) {
            int k = Math.min(n - done, buf.length / 4);
            in.readFully(buf, 0, 4 * k);
            bytes.clear();
            bytes.asFloatBuffer().get(v, off + done, k);
            done += k;
        }
    }
}
