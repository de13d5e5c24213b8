package io.sparkbp.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ProtoWriter} against bytes computed by hand from the protobuf encoding rules. */
class ProtoWriterTest {
    /** The bytes {@code body} writes, after checking that {@link ProtoWriter#sizeOf} counts exactly them. */
    private static String hex(ProtoWriter.Message body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProtoWriter w = ProtoWriter.to(out);
        body.writeTo(w);
        assertEquals(out.size(), w.written(), "written() counts the bytes written");
        assertEquals(out.size(), ProtoWriter.sizeOf(body), "sizeOf counts the bytes written");
        return HexFormat.of().formatHex(out.toByteArray());
    }

    @ParameterizedTest(name = "varint {0}")
    @CsvSource({
            "0, 00",
            "1, 01",
            "127, 7f",
            "128, 8001",
            "150, 9601",
            "300, ac02",
            "16383, ff7f",
            "16384, 808001",
            "2147483647, ffffffff07",
            "9223372036854775807, ffffffffffffffff7f",
            "-1, ffffffffffffffffff01",
            "-9223372036854775808, 80808080808080808001",
    })
    void varintsHoldSevenBitsPerByteLeastSignificantFirst(long value, String expected) throws IOException {
        assertEquals(expected, hex(w -> w.varint(value)));
    }

    @Test
    void aVarintFieldIsItsKeyThenTheValue() throws IOException {
        assertEquals("089601", hex(w -> w.int64(1, 150)));            // field 1, wire type 0
        assertEquals("1001", hex(w -> w.int32(2, 1)));
        assertEquals("a00102", hex(w -> w.int32(20, 2)));             // key 20 << 3 = 160 needs two bytes
        assertEquals("18ffffffffffffffffff01", hex(w -> w.int64(3, -1)));
    }

    @Test
    void aNegativeInt32IsSignExtendedToTenBytes() throws IOException {
        assertEquals("10ffffffffffffffffff01", hex(w -> w.int32(2, -1)));
        assertEquals("1080808080f8ffffffff01", hex(w -> w.int32(2, Integer.MIN_VALUE)));
    }

    @Test
    void keysAboveFieldFifteenTakeTwoBytesAndFieldNumbersAreChecked() throws IOException {
        assertEquals("8201", hex(w -> w.key(16, ProtoWriter.LENGTH_DELIMITED)));
        assertEquals("f8ffffff0f", hex(w -> w.key((1 << 29) - 1, ProtoWriter.VARINT)));
        assertThrows(IllegalArgumentException.class, () -> hex(w -> w.key(0, ProtoWriter.VARINT)));
        assertThrows(IllegalArgumentException.class, () -> hex(w -> w.key(1 << 29, ProtoWriter.VARINT)));
    }

    @Test
    void stringsAndBytesAreLengthDelimitedUtf8() throws IOException {
        assertEquals("120774657374696e67", hex(w -> w.string(2, "testing")));
        assertEquals("0a02c3a9", hex(w -> w.string(1, "\u00e9")));
        assertEquals("4a00", hex(w -> w.bytes(9, new byte[0])));
        assertEquals("4a03010203", hex(w -> w.bytes(9, new byte[] {1, 2, 3})));
    }

    @Test
    void fixedWidthFieldsAreLittleEndian() throws IOException {
        assertEquals("150000803f", hex(w -> w.fixed32(2, Float.floatToRawIntBits(1.0f))));
        assertEquals("15cdcccc3d", hex(w -> w.fixed32(2, Float.floatToRawIntBits(0.1f))));
        assertEquals("09000000000000f03f", hex(w -> w.fixed64(1, Double.doubleToRawLongBits(1.0))));
        assertEquals("090000000000000080", hex(w -> w.fixed64(1, Double.doubleToRawLongBits(-0.0))));
    }

    @Test
    void aNestedMessageIsPrecededByItsLength() throws IOException {
        assertEquals("1a03089601", hex(w -> w.message(3, m -> m.int64(1, 150))));
        assertEquals("0a0412020801", hex(w -> w.message(1, a -> a.message(2, b -> b.int64(1, 1)))));
        assertEquals("2a00", hex(w -> w.message(5, m -> { })));
        assertEquals("0a0208010a021002", hex(w -> {
            w.message(1, m -> m.int64(1, 1));
            w.message(1, m -> m.int64(2, 2));
        }));
    }

    @Test
    void doublesAreWrittenAsLittleEndianIeeeBytesOfTheSlice() throws IOException {
        assertEquals("4a10000000000000f03f00000000000000c0", hex(w -> w.doublesField(9, new double[] {1.0, -2.0}, 0, 2)));
        assertEquals("4a08000000000000f03f", hex(w -> w.doublesField(9, new double[] {5, 1.0, 7}, 1, 1)));
        assertEquals("4a00", hex(w -> w.doublesField(9, new double[] {5}, 1, 0)));
    }

    @Test
    void floatsAreRoundedToNearestAndWrittenAsLittleEndianIeeeBytes() throws IOException {
        assertEquals("4a080000803fcdcccc3d", hex(w -> w.floatsField(9, new double[] {1.0, 0.1}, 0, 2)));
        // 1 + 2^-24 lies halfway between two floats: it rounds to the even one, 1.0f
        assertEquals("4a040000803f", hex(w -> w.floatsField(9, new double[] {1 + Math.scalb(1.0, -24)}, 0, 1)));
    }

    @Test
    void tensorDataLongerThanTheStagingBufferIsWrittenWhole() throws IOException {
        SplittableRandom rng = new SplittableRandom(5);
        double[] v = new double[3001];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        ByteBuffer doubles = ByteBuffer.allocate(8 * 3000).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer floats = ByteBuffer.allocate(4 * 3000).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 1; i < v.length; i++) {
            doubles.putDouble(v[i]);
            floats.putFloat((float) v[i]);
        }
        // 24000 = 0b1_0111011_1000000 -> c0 bb 01; 12000 = 0b1011101_1100000 -> e0 5d
        assertEquals("4ac0bb01" + HexFormat.of().formatHex(doubles.array()), hex(w -> w.doublesField(9, v, 1, 3000)));
        assertEquals("4ae05d" + HexFormat.of().formatHex(floats.array()), hex(w -> w.floatsField(9, v, 1, 3000)));
    }

    @Test
    void aSliceOutsideTheArrayIsRefused() {
        double[] v = new double[4];
        assertThrows(IndexOutOfBoundsException.class, () -> hex(w -> w.doublesField(9, v, 3, 2)));
        assertThrows(IndexOutOfBoundsException.class, () -> hex(w -> w.floatsField(9, v, -1, 1)));
    }

    @Test
    void aMessageBodyThatWritesSomethingElseTheSecondTimeIsAnError() {
        AtomicInteger runs = new AtomicInteger(); // 100 (one byte) when measured, 200 (two bytes) when written
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ProtoWriter.to(new ByteArrayOutputStream()).message(1, m -> m.varint(runs.incrementAndGet() * 100L)));
        assertTrue(e.getMessage().contains("same fields"), e.getMessage());
    }

    @Test
    void countingWritesNothingAndNeedsNoStream() throws IOException {
        assertEquals(2 + 3 + 8 * 1000, ProtoWriter.sizeOf(w -> {
            w.int64(1, 1);
            w.doublesField(9, new double[1000], 0, 1000);
        }));
        assertThrows(IllegalArgumentException.class, () -> ProtoWriter.to(null));
        byte[] twice = HexFormat.of().parseHex(hex(w -> w.string(2, "ab")) + hex(w -> w.string(2, "ab")));
        assertArrayEquals(HexFormat.of().parseHex("1202616212026162"), twice);
    }
}
