package io.sparkbp.spark;

import io.sparkbp.model.HadoopFiles;
import io.sparkbp.model.ModelFormatException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkpoints of one training run in one directory (any Hadoop path): {@code
 * checkpoint-<epoch, 8 digits>.ckpt} files in {@link CheckpointFormat}, each written atomically
 * with {@link HadoopFiles#write} (a hidden temporary file, then a rename, so a file with the final
 * name is always complete), of which the newest {@link #KEEP} are kept.
 */
public final class Checkpointer {
    /** How many checkpoints are kept. */
    public static final int KEEP = 2;

    /** The setting that names the directory, which failures to use it point at. */
    private static final String KEY = "train.checkpointDir";

    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{1,10})\\.ckpt");

    /** One checkpoint file found in the directory. */
    public record Found(int epoch, String path) {
    }

    private final Configuration conf;
    private final String dir;
    private final int every;
    private List<String> fingerprint = List.of();
    private String last;

    public Checkpointer(Configuration conf, String dir, int every) {
        if (every < 1) {
            throw new IllegalArgumentException("checkpoint interval must be >= 1, got " + every);
        }
        this.conf = conf;
        this.dir = dir;
        this.every = every;
    }

    public String dir() {
        return dir;
    }

    /** Sets the fingerprint written into every following checkpoint. */
    public void fingerprint(List<String> items) {
        this.fingerprint = List.copyOf(items);
    }

    /** The fingerprint written into the following checkpoints. */
    public List<String> fingerprintItems() {
        return fingerprint;
    }

    /** The newest good checkpoint of this run (written or resumed from), or null. */
    public String last() {
        return last;
    }

    /** Whether a checkpoint is due after {@code epoch}; the last epoch of a run always gets one. */
    public boolean due(int epoch, boolean lastEpoch) {
        return lastEpoch || epoch % every == 0;
    }

    public static String fileName(int epoch) {
        return String.format(Locale.ROOT, "checkpoint-%08d.ckpt", epoch);
    }

    /** The checkpoint files in the directory, oldest first; hidden (temporary) files are ignored. */
    public List<Found> list() {
        try {
            Path p = new Path(dir);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] all;
            try {
                all = fs.listStatus(p);
            } catch (FileNotFoundException e) {
                return List.of();
            }
            List<Found> out = new ArrayList<>();
            for (FileStatus st : all) {
                Matcher m = NAME.matcher(st.getPath().getName());
                if (st.isFile() && m.matches()) {
                    long e = Long.parseLong(m.group(1));
                    if (e >= 1 && e <= Integer.MAX_VALUE) {
                        out.add(new Found((int) e, st.getPath().toString()));
                    }
                }
            }
            out.sort(Comparator.comparingInt(Found::epoch));
            return out;
        } catch (IOException e) {
            throw new PlanException(KEY, "cannot list " + KEY + " " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Reads the newest checkpoint, or returns null when there is none. A newest checkpoint that is
     * damaged is an error (a {@link ModelFormatException}), not silently skipped. {@code
     * fingerprintCheck} gets the file's path and stored fingerprint before the rest is parsed.
     */
    public Checkpoint loadNewest(int numParams, String optimizer, BiConsumer<String, List<String>> fingerprintCheck) {
        List<Found> found = list();
        if (found.isEmpty()) {
            return null;
        }
        Found f = found.get(found.size() - 1);
        Path p = new Path(f.path());
        try {
            FileSystem fs = p.getFileSystem(conf);
            long length = fs.getFileStatus(p).getLen();
            Checkpoint c;
            try (FSDataInputStream in = fs.open(p)) {
                c = CheckpointFormat.read(f.path(), new java.io.BufferedInputStream(in, 1 << 16), length, numParams,
                        optimizer, fingerprintCheck == null ? null : items -> fingerprintCheck.accept(f.path(), items));
            }
            if (c.epoch() != f.epoch()) {
                throw new ModelFormatException("checkpoint file '" + f.path() + "' holds epoch " + c.epoch()
                        + ", which does not match its name");
            }
            last = f.path();
            return c;
        } catch (IOException e) {
            throw new PlanException(KEY, "cannot read checkpoint " + f.path() + ": " + e.getMessage());
        }
    }

    /** Deletes every checkpoint file in the directory (for a fresh run that may replace them). */
    public void deleteAll() {
        for (Found f : list()) {
            delete(f.path());
        }
    }

    private void delete(String path) {
        Path p = new Path(path);
        try {
            p.getFileSystem(conf).delete(p, false);
        } catch (IOException | FSError e) {
            throw new PlanException(KEY, "cannot delete old checkpoint " + path + ": " + e.getMessage());
        }
    }

    /**
     * Writes the checkpoint of {@code epoch} atomically, then deletes all but the newest {@link #KEEP}
     * checkpoints. A failure to write, a full disk ({@link FSError}) included, is a {@link
     * PlanException} on {@code train.checkpointDir} (the directory is the setting to change; exit 2, as
     * for the final outputs) that names the file and the last good checkpoint; the temporary file is
     * removed ({@link HadoopFiles#write}), so no partial checkpoint is left.
     */
    public void save(int epoch, Checkpoint.TrainerState state, List<EpochReport> reports) {
        Checkpoint c = new Checkpoint(fingerprint, epoch, state, reports, null);
        String path = new Path(new Path(dir), fileName(epoch)).toString();
        try {
            HadoopFiles.write(path, conf, true, out -> CheckpointFormat.write(c, out));
        } catch (IOException e) {
            throw unwritable(path, e.getMessage());
        } catch (FSError e) {
            throw unwritable(path, e.getCause() == null ? e.toString() : e.getCause().getMessage());
        }
        last = path;
        List<Found> found = list();
        for (int i = 0; i < found.size() - KEEP; i++) {
            delete(found.get(i).path());
        }
    }

    private PlanException unwritable(String path, String why) {
        return new PlanException(KEY, "cannot write checkpoint " + path + ": " + why + "; no model was written"
                + (last == null ? "" : "; the last good checkpoint is " + last + " (train.resume=true continues"
                + " from it)"));
    }

    // ------------------------------------------------------------------------------ fingerprints

    /**
     * The first difference between a stored fingerprint and the current one, as a phrase such as
     * {@code train.learningRate is 0.01 in the checkpoint but 0.02 now}, or null when they agree.
     * With {@code partial} only the items of {@code current} are compared (for an early check
     * before the data-dependent items are known).
     */
    public static String firstDifference(List<String> saved, List<String> current, boolean partial) {
        Map<String, String> s = items(saved);
        Map<String, String> c = items(current);
        for (Map.Entry<String, String> e : c.entrySet()) {
            String old = s.get(e.getKey());
            if (old == null) {
                return e.getKey() + " is not recorded in the checkpoint (now " + show(e.getValue()) + ")";
            }
            if (!old.equals(e.getValue())) {
                return e.getKey() + " is " + show(old) + " in the checkpoint but " + show(e.getValue()) + " now";
            }
        }
        if (!partial) {
            for (Map.Entry<String, String> e : s.entrySet()) {
                if (!c.containsKey(e.getKey())) {
                    return e.getKey() + " is " + show(e.getValue()) + " in the checkpoint but unknown now";
                }
            }
        }
        return null;
    }

    private static String show(String v) {
        return v.isEmpty() ? "empty" : "'" + v + "'";
    }

    /** The {@code name=value} items of {@code list} as a map, in order. */
    static Map<String, String> items(List<String> list) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String item : list) {
            int eq = item.indexOf('=');
            m.put(eq < 0 ? item : item.substring(0, eq), eq < 0 ? "" : item.substring(eq + 1));
        }
        return m;
    }

    /** A short hash (16 hex digits of SHA-256) of the exact bit patterns of {@code arrays}; "none" for null. */
    public static String hash(double[]... arrays) {
        if (arrays == null) {
            return "none";
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(8);
            for (double[] a : arrays) {
                if (a == null) {
                    md.update((byte) 0);
                    continue;
                }
                b.clear();
                b.putLong(a.length);
                md.update(b.array());
                for (double v : a) {
                    b.clear();
                    b.putLong(Double.doubleToRawLongBits(v));
                    md.update(b.array());
                }
            }
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
