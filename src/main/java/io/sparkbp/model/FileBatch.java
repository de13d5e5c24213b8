package io.sparkbp.model;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Several output files written all or nothing, on any Hadoop file systems: {@link #add} writes each
 * file to a hidden temporary name in its target's directory ({@code .<name>.tmp-<hex>}, as {@link
 * HadoopFiles} does); {@link #commit} then moves any existing targets aside, renames every
 * temporary file onto its target and finally deletes the set-aside files. If anything fails (an
 * exception or an {@link Error} such as Hadoop's {@code FSError} for a full disk), the files this
 * batch renamed into place are deleted, the set-aside files are put back and {@link #close} deletes
 * the temporary files and the directories the batch created (when they are empty): what was there
 * before stays, and nothing of this run remains.
 *
 * <p>Like {@link HadoopFiles}, an existing target is replaced only with {@code overwrite}, a
 * directory never, and the checksum layer of the local file system is bypassed (no {@code .crc}
 * files). Not thread-safe.
 */
public final class FileBatch implements AutoCloseable {
    private record Entry(String uri, FileSystem fs, Path target, Path tmp) {
    }

    private final Configuration conf;
    private final boolean overwrite;
    private final List<Entry> entries = new ArrayList<>();
    private final List<FileSystemPath> createdDirs = new ArrayList<>();
    private boolean committed;

    private record FileSystemPath(FileSystem fs, Path path) {
    }

    public FileBatch(Configuration conf, boolean overwrite) {
        this.conf = conf;
        this.overwrite = overwrite;
    }

    /**
     * Writes what {@code content} produces to a temporary file beside {@code uri}, creating missing
     * parent directories; nothing is visible under {@code uri} until {@link #commit}.
     *
     * @throws IOException when {@code uri} exists and may not be replaced, or writing fails; the
     *                     partial temporary file is deleted at once
     */
    public void add(String uri, HadoopFiles.Content content) throws IOException {
        Path given = new Path(uri);
        FileSystem userFs = given.getFileSystem(conf);
        Path target = userFs.makeQualified(given);
        FileSystem fs = userFs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : userFs;
        HadoopFiles.checkWritable(uri, conf, overwrite);
        Path parent = target.getParent();
        if (parent == null) {
            throw new IOException("output path '" + uri + "' is the root of its file system; give a file path");
        }
        createParents(fs, parent);
        Path tmp = new Path(parent, "." + target.getName() + HadoopFiles.TEMP_MARKER
                + String.format("%016x", ThreadLocalRandom.current().nextLong()));
        Entry e = new Entry(uri, fs, target, tmp);
        entries.add(e);
        try (OutputStream out = fs.create(tmp, false)) {
            content.writeTo(out);
        } catch (IOException | RuntimeException | Error t) {
            deleteQuietly(fs, tmp, t);
            throw t;
        }
    }

    /** Records the directories {@code dir} needs that do not exist yet, outermost last, then creates them. */
    private void createParents(FileSystem fs, Path dir) throws IOException {
        List<FileSystemPath> missing = new ArrayList<>();
        for (Path p = dir; p != null && !fs.exists(p); p = p.getParent()) {
            missing.add(new FileSystemPath(fs, p));
        }
        if (!missing.isEmpty() && !fs.mkdirs(dir)) {
            throw new IOException("cannot create the directory " + dir);
        }
        createdDirs.addAll(missing);
    }

    /**
     * Puts every file in place, or none: see the class comment.
     *
     * @throws IOException when a target appeared that may not be replaced, or a rename fails
     */
    public void commit() throws IOException {
        List<Entry> moved = new ArrayList<>();
        List<Path> asides = new ArrayList<>();
        List<Entry> placed = new ArrayList<>();
        try {
            for (Entry e : entries) {
                HadoopFiles.checkWritable(e.uri(), conf, overwrite);
                if (e.fs().exists(e.target())) {
                    Path aside = new Path(e.target().getParent(), "." + e.target().getName() + ".replaced-"
                            + String.format("%016x", ThreadLocalRandom.current().nextLong()));
                    rename(e.fs(), e.target(), aside);
                    moved.add(e);
                    asides.add(aside);
                }
            }
            for (Entry e : entries) {
                rename(e.fs(), e.tmp(), e.target());
                placed.add(e);
            }
        } catch (IOException | RuntimeException | Error t) {
            for (Entry e : placed) {
                deleteQuietly(e.fs(), e.target(), t);
            }
            for (int i = 0; i < moved.size(); i++) {
                try {
                    rename(moved.get(i).fs(), asides.get(i), moved.get(i).target());
                } catch (IOException | RuntimeException r) {
                    t.addSuppressed(r);
                }
            }
            throw t;
        }
        committed = true;
        for (int i = 0; i < moved.size(); i++) {
            deleteQuietly(moved.get(i).fs(), asides.get(i), null);
        }
        for (Entry e : entries) {
            removeStaleChecksum(e);
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("could not rename '" + from + "' to '" + to + "'");
        }
    }

    /** A {@code .<name>.crc} left by an earlier checksummed write of a replaced local file. */
    private void removeStaleChecksum(Entry e) {
        try {
            if (e.target().getFileSystem(conf) instanceof ChecksumFileSystem c) {
                Path crc = c.getChecksumFile(e.target());
                if (e.fs().exists(crc)) {
                    e.fs().delete(crc, false);
                }
            }
        } catch (IOException ignored) {
            // a stale checksum only makes the file unreadable through the checksum layer; the write succeeded
        }
    }

    /** Deletes the temporary files, and after a failed or missing commit the directories this batch created. */
    @Override
    public void close() {
        for (Entry e : entries) {
            deleteQuietly(e.fs(), e.tmp(), null);
        }
        if (!committed) {
            createdDirs.sort(java.util.Comparator.comparingInt((FileSystemPath d) -> d.path().depth()).reversed());
            for (FileSystemPath d : createdDirs) { // innermost first
                try {
                    d.fs().delete(d.path(), false); // refuses a directory that is not empty
                } catch (IOException ignored) {
                    // someone else's file is in it: leave it
                }
            }
        }
    }

    private static void deleteQuietly(FileSystem fs, Path p, Throwable onto) {
        try {
            fs.delete(p, false);
        } catch (IOException | RuntimeException e) {
            if (onto != null) {
                onto.addSuppressed(e);
            }
        }
    }
}
