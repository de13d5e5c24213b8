package io.sparkbp.spark;

import io.sparkbp.optim.EarlyStopping;
import io.sparkbp.model.ModelFormatException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * The binary checkpoint file format, version 1 (big-endian, {@link DataOutputStream} encoding; never
 * Java serialization):
 *
 * <pre>
 * magic    8 bytes  "SPBPCKPT"
 * version  int      1
 * then six sections, each {int tag, int byteLength, payload}, in this order:
 *   1 fingerprint     int n, n x UTF string "name=value"
 *   2 state           int epoch, int numParams, numParams x double theta
 *   3 optimizer       UTF name, int arrays, per array: int length, length x double
 *   4 early stopping  byte hasBest, [int numParams, numParams x double best], double bestLoss,
 *                     int bestEpoch, int sinceBest
 *   5 reports         int count (= epoch), per report: int epoch, int epochs, double trainLoss,
 *                     long examples, double seconds, double elapsedSeconds, double learningRate (NaN for lbfgs),
 *                     validation map, test map (each: int size or -1 for none, size x {UTF key, double})
 *   6 end             long CRC-32 of every byte before this section
 * and nothing after it.
 * </pre>
 *
 * <p>The reader is strict: it checks the magic, the version, every tag, every length against the
 * bytes that remain and the expected network size before allocating, the checksum, that weights and
 * optimizer state are finite, and the consistency of the early-stopping state and the reports. Any
 * problem is a {@link ModelFormatException} with one sentence naming the file.
 */
public final class CheckpointFormat {
    /** The first 8 bytes of every checkpoint file. */
    public static final String MAGIC = "SPBPCKPT";
    public static final int VERSION = 1;

    static final int FINGERPRINT = 1;
    static final int STATE = 2;
    static final int OPTIMIZER = 3;
    static final int EARLY_STOPPING = 4;
    static final int REPORTS = 5;
    static final int END = 6;
    private static final String[] SECTION_NAMES = {"", "fingerprint", "state", "optimizer", "early-stopping",
        "reports", "end"};

    static final int MAX_FINGERPRINT_ITEMS = 10_000;
    static final int MAX_METRICS = 1_000;
    /** Largest file accepted; sections are read into byte arrays. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64L;

    private CheckpointFormat() {
    }

    /** Writes {@code c} in the format above. {@code out} is flushed, not closed. */
    public static void write(Checkpoint c, OutputStream out) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(head);
        h.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
        h.writeInt(VERSION);

        CRC32 crc = new CRC32();
        DataOutputStream d = new DataOutputStream(out);
        emit(d, crc, head.toByteArray());

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DataOutputStream p = new DataOutputStream(buf);
        p.writeInt(c.fingerprint().size());
        for (String item : c.fingerprint()) {
            p.writeUTF(item);
        }
        section(d, crc, FINGERPRINT, buf);

        p.writeInt(c.epoch());
        doubles(p, c.theta());
        section(d, crc, STATE, buf);

        p.writeUTF(c.optimizer());
        p.writeInt(c.optimizerState().length);
        for (double[] a : c.optimizerState()) {
            doubles(p, a);
        }
        section(d, crc, OPTIMIZER, buf);

        EarlyStopping.State es = c.stopping();
        p.writeByte(es.best() == null ? 0 : 1);
        if (es.best() != null) {
            doubles(p, es.best());
        }
        p.writeDouble(es.bestLoss());
        p.writeInt(es.bestEpoch());
        p.writeInt(es.sinceBest());
        section(d, crc, EARLY_STOPPING, buf);

        p.writeInt(c.reports().size());
        for (EpochReport r : c.reports()) {
            p.writeInt(r.epoch());
            p.writeInt(r.epochs());
            p.writeDouble(r.trainLoss());
            p.writeLong(r.examples());
            p.writeDouble(r.seconds());
            p.writeDouble(r.elapsedSeconds());
            p.writeDouble(r.learningRate());
            metrics(p, r.validation());
            metrics(p, r.test());
        }
        section(d, crc, REPORTS, buf);

        long sum = crc.getValue();
        d.writeInt(END);
        d.writeInt(8);
        d.writeLong(sum);
        d.flush();
    }

    private static void emit(DataOutputStream d, CRC32 crc, byte[] bytes) throws IOException {
        crc.update(bytes);
        d.write(bytes);
    }

    private static void section(DataOutputStream d, CRC32 crc, int tag, ByteArrayOutputStream payload) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(8);
        DataOutputStream h = new DataOutputStream(head);
        h.writeInt(tag);
        h.writeInt(payload.size());
        emit(d, crc, head.toByteArray());
        emit(d, crc, payload.toByteArray());
        payload.reset();
    }

    private static void doubles(DataOutputStream p, double[] a) throws IOException {
        p.writeInt(a.length);
        for (double v : a) {
            p.writeDouble(v);
        }
    }

    private static void metrics(DataOutputStream p, Map<String, Double> m) throws IOException {
        if (m == null) {
            p.writeInt(-1);
            return;
        }
        p.writeInt(m.size());
        for (Map.Entry<String, Double> e : m.entrySet()) {
            p.writeUTF(e.getKey());
            p.writeDouble(e.getValue() == null ? Double.NaN : e.getValue());
        }
    }

    // ------------------------------------------------------------------------------------ reading

    /**
     * Reads a checkpoint of {@code length} bytes for a network of {@code numParams} parameters
     * trained with {@code optimizer}. {@code fingerprintCheck} sees the stored fingerprint after the
     * checksum has been verified and before the rest is parsed, so that a checkpoint of another
     * configuration is reported as such rather than as a size mismatch; it may throw.
     *
     * @throws ModelFormatException naming {@code name} for any problem with the content
     * @throws IOException          when reading fails
     */
    public static Checkpoint read(String name, InputStream in, long length, int numParams, String optimizer,
                                  Consumer<List<String>> fingerprintCheck) throws IOException {
        String file = "checkpoint file '" + name + "'";
        DataInputStream d = new DataInputStream(in);
        CRC32 crc = new CRC32();
        readHeader(d, crc, length, file);
        byte[][] payloads = readSections(d, crc, length - 12, file);

        List<String> fingerprint = readFingerprint(new Section(file, "fingerprint", payloads[FINGERPRINT - 1]));
        if (fingerprintCheck != null) {
            fingerprintCheck.accept(fingerprint);
        }

        Section s = new Section(file, "state", payloads[STATE - 1]);
        int epoch = s.count(1, Integer.MAX_VALUE, "the epoch");
        double[] theta = s.vector(numParams, numParams, "the weights");
        s.end();

        s = new Section(file, "optimizer", payloads[OPTIMIZER - 1]);
        String opt = s.utf("the optimizer name");
        if (!opt.equals(optimizer)) {
            throw new ModelFormatException(file + " holds the state of optimizer '" + opt + "', but this run uses '"
                    + optimizer + "'");
        }
        double[][] state = readOptimizerState(s, numParams);

        EarlyStopping.State es = readEarlyStopping(new Section(file, "early-stopping", payloads[EARLY_STOPPING - 1]),
                numParams, epoch);
        List<EpochReport> reports = readReports(new Section(file, "reports", payloads[REPORTS - 1]), epoch);
        return new Checkpoint(fingerprint, epoch, new Checkpoint.TrainerState(theta, opt, state, es), reports, name);
    }

    /** Checks the length, the magic and the version; the 12 header bytes go into {@code crc}. */
    private static void readHeader(DataInputStream d, CRC32 crc, long length, String file) throws IOException {
        if (length < 12) {
            throw new ModelFormatException(file + " is too short to be a sparkbp checkpoint (" + length + " bytes)");
        }
        if (length > MAX_FILE_BYTES) {
            throw new ModelFormatException(file + " is too large to be a sparkbp checkpoint (" + length + " bytes)");
        }
        byte[] head = readFully(d, 12, file, "header");
        crc.update(head);
        if (!Arrays.equals(Arrays.copyOf(head, 8), MAGIC.getBytes(StandardCharsets.US_ASCII))) {
            throw new ModelFormatException(file + " is not a sparkbp checkpoint: it does not start with \"" + MAGIC + "\"");
        }
        int version = bigEndianInt(head, 8);
        if (version != VERSION) {
            throw new ModelFormatException(file + " has checkpoint format version " + version
                    + ", but this sparkbp reads only version " + VERSION);
        }
    }

    private static int bigEndianInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    /**
     * Reads the six sections in order, checking each tag and length against the {@code remaining}
     * bytes, the checksum in the end section and that nothing follows it; returns the payloads by tag - 1.
     */
    private static byte[][] readSections(DataInputStream d, CRC32 crc, long remaining, String file) throws IOException {
        byte[][] payloads = new byte[END][];
        for (int tag = FINGERPRINT; tag <= END; tag++) {
            long sumBefore = crc.getValue();
            if (remaining < 8) {
                throw new ModelFormatException(file + " is truncated: the " + SECTION_NAMES[tag] + " section is missing");
            }
            byte[] sh = readFully(d, 8, file, SECTION_NAMES[tag] + " section header");
            int gotTag = bigEndianInt(sh, 0);
            int len = bigEndianInt(sh, 4);
            remaining -= 8;
            checkSectionHeader(file, tag, gotTag, len, remaining);
            byte[] payload = readFully(d, len, file, SECTION_NAMES[tag] + " section");
            remaining -= len;
            if (tag == END) {
                long stored = new DataInputStream(new ByteArrayInputStream(payload)).readLong();
                if (stored != sumBefore) {
                    throw new ModelFormatException(file + " is corrupt: its CRC-32 checksum does not match its content");
                }
            } else {
                crc.update(sh);
                crc.update(payload);
            }
            payloads[tag - 1] = payload;
        }
        if (remaining != 0 || d.read() != -1) {
            throw new ModelFormatException(file + " is corrupt: it has unexpected bytes after its end section");
        }
        return payloads;
    }

    private static void checkSectionHeader(String file, int tag, int gotTag, int len, long remaining) {
        if (gotTag != tag) {
            throw new ModelFormatException(file + " is corrupt: expected the " + SECTION_NAMES[tag]
                    + " section (tag " + tag + ") but found tag " + gotTag);
        }
        if (len < 0 || len > remaining) {
            throw new ModelFormatException(file + " is truncated or corrupt: its " + SECTION_NAMES[tag]
                    + " section claims " + len + " bytes but only " + remaining + " remain");
        }
        if (tag == END && len != 8) {
            throw new ModelFormatException(file + " is corrupt: its end section has " + len + " bytes, expected 8");
        }
    }

    private static List<String> readFingerprint(Section s) {
        int items = s.count(0, MAX_FINGERPRINT_ITEMS, "the number of fingerprint items");
        List<String> fingerprint = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            fingerprint.add(s.utf("fingerprint item " + i));
        }
        s.end();
        return fingerprint;
    }

    /** The optimizer state arrays that follow the optimizer's name in {@code s}. */
    private static double[][] readOptimizerState(Section s, int numParams) {
        int maxArrays = 3 + 2 * DistributedTrainer.LBFGS_MEMORY;
        int arrays = s.count(1, maxArrays, "the number of optimizer state arrays");
        double[][] state = new double[arrays][];
        for (int i = 0; i < arrays; i++) {
            state[i] = s.vector(0, Math.max(numParams, 6), "optimizer state array " + i);
        }
        s.end();
        return state;
    }

    /** The early-stopping section as read. */
    private static EarlyStopping.State readEarlyStopping(Section s, int numParams, int epoch) {
        int hasBest = s.count(0, 1, "the has-best flag", true);
        double[] best = hasBest == 1 ? s.vector(numParams, numParams, "the best weights") : null;
        double bestLoss = s.dbl();
        int bestEpoch = s.count(0, epoch, "the best epoch");
        int sinceBest = s.count(0, epoch, "the epochs since the best");
        s.end();
        // with validation data every epoch either improves (sinceBest = 0) or counts up
        if (best == null ? bestLoss != Double.POSITIVE_INFINITY || bestEpoch != 0
                : !Double.isFinite(bestLoss) || bestEpoch < 1 || sinceBest != epoch - bestEpoch) {
            throw new ModelFormatException(s.file + " is corrupt: its early-stopping state is inconsistent (best loss "
                    + bestLoss + " at epoch " + bestEpoch + ", " + sinceBest + " epochs since, after epoch " + epoch + ")");
        }
        return new EarlyStopping.State(best, bestLoss, bestEpoch, sinceBest);
    }

    private static List<EpochReport> readReports(Section s, int epoch) {
        int count = s.count(epoch, epoch, "the number of epoch reports");
        List<EpochReport> reports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            reports.add(readReport(s, i + 1));
        }
        s.end();
        return reports;
    }

    private static EpochReport readReport(Section s, int epoch) {
        String what = "epoch report " + epoch;
        int e = s.count(epoch, epoch, "the epoch of " + what);
        int epochs = s.count(1, Integer.MAX_VALUE, "the epoch total of " + what);
        double trainLoss = s.dbl();
        long examples = s.lng();
        double seconds = s.dbl();
        double elapsed = s.dbl();
        double lr = s.dbl();
        if (!Double.isFinite(trainLoss) || examples < 0 || !(seconds >= 0) || !(elapsed >= 0)
                || Double.isInfinite(seconds) || Double.isInfinite(elapsed) || !(Double.isNaN(lr) || lr > 0)
                || Double.isInfinite(lr)) {
            throw new ModelFormatException(s.file + " is corrupt: " + what + " has an invalid loss, example count,"
                    + " time or learning rate");
        }
        Map<String, Double> val = s.metrics(what + " validation metrics");
        Map<String, Double> tst = s.metrics(what + " test metrics");
        return new EpochReport(e, epochs, trainLoss, new EpochReport.Evaluations(val, tst),
                new EpochReport.Timing(examples, seconds, elapsed), lr);
    }

    private static byte[] readFully(DataInputStream d, int n, String file, String what) throws IOException {
        byte[] b = new byte[n];
        try {
            d.readFully(b);
        } catch (EOFException e) {
            throw new ModelFormatException(file + " is truncated: it ends inside its " + what);
        }
        return b;
    }

    /** A section's payload with bounds-checked reads. */
    private static final class Section {
        private final String file;
        private final String name;
        private final DataInputStream in;
        private final int size;
        private int pos;

        Section(String file, String name, byte[] payload) {
            this.file = file;
            this.name = name;
            this.in = new DataInputStream(new ByteArrayInputStream(payload));
            this.size = payload.length;
        }

        private void need(long bytes, String what) {
            if (bytes > size - pos) {
                throw new ModelFormatException(file + " is corrupt: its " + name + " section ends inside " + what);
            }
            pos += (int) bytes;
        }

        int count(int min, int max, String what) {
            return count(min, max, what, false);
        }

        int count(int min, int max, String what, boolean asByte) {
            int v;
            try {
                if (asByte) {
                    need(1, what);
                    v = in.readUnsignedByte();
                } else {
                    need(4, what);
                    v = in.readInt();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e); // cannot happen: the bytes are there
            }
            if (v < min || v > max) {
                throw new ModelFormatException(file + " is corrupt: " + what + " in its " + name + " section is " + v
                        + (min == max ? ", expected " + min : ", expected " + min + ".." + max));
            }
            return v;
        }

        double dbl() {
            need(8, "a number");
            try {
                return in.readDouble();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        long lng() {
            need(8, "a number");
            try {
                return in.readLong();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        String utf(String what) {
            need(2, what);
            try {
                in.mark(2);
                int len = in.readUnsignedShort();
                need(len, what);
                in.reset();
                return in.readUTF();
            } catch (IOException e) {
                throw new ModelFormatException(file + " is corrupt: " + what + " in its " + name
                        + " section is not valid modified UTF-8");
            }
        }

        /** A length-prefixed vector of {@code min..max} finite doubles; the length is checked before allocating. */
        double[] vector(int min, int max, String what) {
            int n = count(min, max, "the length of " + what);
            need(8L * n, what);
            double[] v = new double[n];
            try {
                for (int i = 0; i < n; i++) {
                    v[i] = in.readDouble();
                    if (!Double.isFinite(v[i])) {
                        throw new ModelFormatException(file + " is corrupt: " + what + " in its " + name
                                + " section has the non-finite value " + v[i] + " at index " + i);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return v;
        }

        /** A metrics map, or null; values may be any double (they are only reported). */
        Map<String, Double> metrics(String what) {
            int n = count(-1, MAX_METRICS, "the size of the " + what);
            if (n < 0) {
                return null;
            }
            Map<String, Double> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String key = utf("a key of the " + what);
                if (key.isEmpty() || m.put(key, dbl()) != null) {
                    throw new ModelFormatException(file + " is corrupt: the " + what + " have an empty or repeated key");
                }
            }
            return m;
        }

        void end() {
            if (pos != size) {
                throw new ModelFormatException(file + " is corrupt: its " + name + " section has " + (size - pos)
                        + " unexpected bytes at its end");
            }
        }
    }
}
