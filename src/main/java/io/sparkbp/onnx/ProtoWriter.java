package io.sparkbp.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The subset of the protocol buffers wire format that an ONNX file needs, written straight to a
 * stream. Written by hand instead of taken from a protobuf library: Spark ships its own, relocated,
 * protobuf runtime and a second copy on the application's classpath is a conflict waiting to
 * happen; what ONNX needs is five kinds of field.
 *
 * <p>Every field starts with its key, the varint {@code (field << 3) | wireType}. Wire types used:
 * 0 varint (int32, int64, enums), 1 fixed64, 2 length-delimited (strings, bytes, nested messages,
 * each preceded by its byte length as a varint), 5 fixed32. A varint holds 7 bits per byte, least
 * significant group first, with the high bit set on every byte but the last; negative int32 and int64
 * values are sign-extended to 64 bits and so take 10 bytes. Fixed-width values and the raw tensor
 * data are little-endian.
 *
 * <p>A nested message is a {@link Message} callback. Its length must precede it, so {@link #message}
 * first runs the callback against a counting writer that only adds up sizes (tensor data is counted,
 * not converted), then runs it again against the stream: nothing is buffered, whatever the size of the
 * weights. Callbacks must therefore write the same fields every time they run. Not thread-safe.
 */
public final class ProtoWriter {
    /** The body of a message: the fields it writes into {@code w}. */
    @FunctionalInterface
    public interface Message {
        void writeTo(ProtoWriter w) throws IOException;
    }

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private static final int CHUNK_BYTES = 8192;

    private final OutputStream out;   // null: count only
    private long written;
    private ByteBuffer chunk;         // little-endian staging for tensor data, allocated on first use

    private ProtoWriter(OutputStream out) {
        this.out = out;
    }

    /** A writer that writes to {@code out} (which it never closes). */
    public static ProtoWriter to(OutputStream out) {
        if (out == null) {
            throw new IllegalArgumentException("an output stream is required");
        }
        return new ProtoWriter(out);
    }

    /** The number of bytes {@code body} writes, without writing them anywhere. */
    public static long sizeOf(Message body) throws IOException {
        ProtoWriter counter = new ProtoWriter(null);
        body.writeTo(counter);
        return counter.written;
    }

    /** Bytes written (or counted) so far. */
    public long written() {
        return written;
    }

    /** A field key: {@code (field << 3) | wireType}. */
    public void key(int field, int wireType) throws IOException {
        if (field < 1 || field > (1 << 29) - 1) {
            throw new IllegalArgumentException("protobuf field numbers are 1..2^29-1, got " + field);
        }
        varint(((long) field << 3) | wireType);
    }

    /** An unsigned varint of the 64 bits of {@code v} (a negative value takes 10 bytes). */
    public void varint(long v) throws IOException {
        long rest = v;
        while ((rest & ~0x7FL) != 0) {
            writeByte((int) ((rest & 0x7F) | 0x80));
            rest >>>= 7;
        }
        writeByte((int) rest);
    }

    /** An int64 field (wire type 0). */
    public void int64(int field, long v) throws IOException {
        key(field, VARINT);
        varint(v);
    }

    /** An int32 or enum field (wire type 0; negative values are sign-extended, as protobuf does). */
    public void int32(int field, int v) throws IOException {
        key(field, VARINT);
        varint(v);
    }

    /** A fixed32 field holding {@code bits} (e.g. {@link Float#floatToRawIntBits}). */
    public void fixed32(int field, int bits) throws IOException {
        key(field, FIXED32);
        for (int shift = 0; shift < 32; shift += 8) {
            writeByte(bits >>> shift);
        }
    }

    /** A fixed64 field holding {@code bits} (e.g. {@link Double#doubleToRawLongBits}). */
    public void fixed64(int field, long bits) throws IOException {
        key(field, FIXED64);
        for (int shift = 0; shift < 64; shift += 8) {
            writeByte((int) (bits >>> shift));
        }
    }

    /** A string field, UTF-8 encoded. */
    public void string(int field, String s) throws IOException {
        bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    /** A bytes field. */
    public void bytes(int field, byte[] b) throws IOException {
        key(field, LENGTH_DELIMITED);
        varint(b.length);
        writeBytes(b, 0, b.length);
    }

    /** A nested message field: its length, then its fields (see the class comment). */
    public void message(int field, Message body) throws IOException {
        long size = sizeOf(body);
        key(field, LENGTH_DELIMITED);
        varint(size);
        if (out == null) {
            written += size;
            return;
        }
        long before = written;
        body.writeTo(this);
        if (written - before != size) {
            throw new IllegalStateException("a nested message wrote " + (written - before) + " bytes after measuring "
                    + size + "; a message body must write the same fields every time it runs");
        }
    }

    /**
     * A bytes field holding {@code v[off .. off+len)} as little-endian IEEE 754 doubles (8 bytes
     * each), as ONNX's {@code raw_data} stores a double tensor.
     */
    public void doublesField(int field, double[] v, int off, int len) throws IOException {
        checkRange(v.length, off, len);
        key(field, LENGTH_DELIMITED);
        varint(8L * len);
        if (out == null) {
            written += 8L * len;
            return;
        }
        ByteBuffer b = chunk();
        for (int i = off; i < off + len; i++) {
            if (b.remaining() < Double.BYTES) {
                flushChunk();
            }
            b.putDouble(v[i]);
        }
        flushChunk();
    }

    /**
     * A bytes field holding {@code v[off .. off+len)} rounded to float (to nearest) as
     * little-endian IEEE 754 floats (4 bytes each), as ONNX's {@code raw_data} stores a float tensor.
     */
    public void floatsField(int field, double[] v, int off, int len) throws IOException {
        checkRange(v.length, off, len);
        key(field, LENGTH_DELIMITED);
        varint(4L * len);
        if (out == null) {
            written += 4L * len;
            return;
        }
        ByteBuffer b = chunk();
        for (int i = off; i < off + len; i++) {
            if (b.remaining() < Float.BYTES) {
                flushChunk();
            }
            b.putFloat((float) v[i]);
        }
        flushChunk();
    }

    private static void checkRange(int length, int off, int len) {
        if (off < 0 || len < 0 || off > length - len) {
            throw new IndexOutOfBoundsException("values [" + off + ", " + off + " + " + len
                    + ") outside an array of " + length);
        }
    }

    private ByteBuffer chunk() {
        if (chunk == null) {
            chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }
        return chunk;
    }

    private void flushChunk() throws IOException {
        writeBytes(chunk.array(), 0, chunk.position());
        chunk.clear();
    }

    private void writeByte(int b) throws IOException {
        if (out != null) {
            out.write(b);
        }
        written++;
    }

    private void writeBytes(byte[] b, int off, int len) throws IOException {
        if (out != null) {
            out.write(b, off, len);
        }
        written += len;
    }
}
