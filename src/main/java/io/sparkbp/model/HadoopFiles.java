package io.sparkbp.model;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Atomic single-file writes to any Hadoop file system ({@code file:}, {@code hdfs:}, object stores,
 * relative paths on the default file system), for the model, metrics files and other outputs.
 *
 * <p>{@link #write(String, Configuration, boolean, Content)} writes the content to a hidden
 * temporary file in the target's directory ({@code .<name>.tmp-<16 hex digits>}; hidden files are
 * ignored by Hadoop input formats), then renames it onto the target. Missing parent directories
 * are created. With {@code overwrite == false} an existing target is refused, before anything is
 * written, with a {@link FileAlreadyExistsException} whose message tells the user about {@code
 * output.overwrite=true}; the existing file is left untouched. With {@code overwrite == true} an
 * existing file is deleted just before the rename (Hadoop's rename does not replace files), so
 * there is a short window in which the target does not exist; a directory is never replaced. If
 * anything fails the temporary file is deleted, so no half-written file remains under either name.
 *
 * <p>On the local file system the checksum layer is bypassed: no {@code .crc} side files are
 * written, and a stale {@code .<name>.crc} of a replaced file is removed.
 *
 * <p>The check for an existing file and the rename are not one atomic step: two writers racing for
 * the same new file on a file system whose rename replaces files (the local one) may both succeed,
 * the last one winning; on HDFS the loser's rename fails and it reports the file as existing.
 */
public final class HadoopFiles {
    /** Marker in temporary file names: {@code .<name>.tmp-<hex>}. */
    public static final String TEMP_MARKER = ".tmp-";

    /** Writes the content of a file to a stream; the stream is closed by the caller. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private HadoopFiles() {
    }

    /**
     * The first file or directory name of {@code path}, as given (after a URI scheme and authority such
     * as {@code hdfs://nn:8020}), that holds a {@code ':'}, or null when none does. Hadoop's {@link Path}
     * cannot hold such a name: it reads {@code a:} in {@code a:b.json} as a URI scheme and fails with
     * "Relative path in absolute URI", also when it builds the name of a temporary file beside it or
     * of a file that a glob or a directory listing found.
     */
    public static String colonName(String path) {
        String p = path.strip();
        java.util.regex.Matcher scheme = java.util.regex.Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:(?=/)").matcher(p);
        if (scheme.find()) {
            p = p.substring(scheme.end());
            if (p.startsWith("//")) {
                int slash = p.indexOf('/', 2);
                p = slash < 0 ? "" : p.substring(slash);
            }
        }
        for (String name : p.split("/")) {
            if (name.indexOf(':') >= 0) {
                return name;
            }
        }
        return null;
    }

    /** What is wrong with {@code key=path} whose {@link #colonName} is {@code name}, for messages. */
    public static String colonProblem(String key, String path, String name) {
        return key + "=" + path.strip() + " has the name '" + name + "', which holds a ':', and a Hadoop path cannot"
                + " hold a ':' in a file or directory name (it would read '" + name.substring(0, name.indexOf(':') + 1)
                + "' as a URI scheme)";
    }

    /** Writes {@code bytes} to {@code uri} atomically; see the class comment. */
    public static void write(String uri, Configuration conf, boolean overwrite, byte[] bytes) throws IOException {
        write(uri, conf, overwrite, out -> out.write(bytes));
    }

    /** Writes {@code text} as UTF-8 to {@code uri} atomically; see the class comment. */
    public static void writeString(String uri, Configuration conf, boolean overwrite, String text) throws IOException {
        write(uri, conf, overwrite, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes what {@code content} produces to {@code uri} atomically; see the class comment.
     *
     * @throws FileAlreadyExistsException when the target exists and {@code overwrite} is false
     * @throws IOException                when the target is a directory, or writing, deleting or renaming fails;
     *                                    exceptions thrown by {@code content} are passed on unchanged
     */
    public static void write(String uri, Configuration conf, boolean overwrite, Content content) throws IOException {
        Path given = new Path(uri);
        FileSystem userFs = given.getFileSystem(conf);
        Path target = userFs.makeQualified(given);
        FileSystem fs = userFs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : userFs;
        checkTarget(fs, target, uri, overwrite);
        Path parent = target.getParent();
        if (parent == null) {
            throw new IOException("output path '" + uri + "' is the root of its file system; give a file path");
        }
        Path tmp = new Path(parent, "." + target.getName() + TEMP_MARKER
                + String.format("%016x", ThreadLocalRandom.current().nextLong()));
        try {
            try (OutputStream out = fs.create(tmp, false)) {
                content.writeTo(out);
            }
            commit(userFs, fs, tmp, target, uri, overwrite);
        } catch (Throwable t) {
            try {
                fs.delete(tmp, false);
            } catch (IOException | RuntimeException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
    }

    /**
     * Fails as {@link #write} would before writing anything: when {@code uri} exists and {@code
     * overwrite} is false, or when it is a directory. Lets a long job check its outputs up front.
     */
    public static void checkWritable(String uri, Configuration conf, boolean overwrite) throws IOException {
        Path given = new Path(uri);
        FileSystem fs = given.getFileSystem(conf);
        checkTarget(fs, fs.makeQualified(given), uri, overwrite);
    }

    private static void checkTarget(FileSystem fs, Path target, String uri, boolean overwrite) throws IOException {
        FileStatus st;
        try {
            st = fs.getFileStatus(target);
        } catch (FileNotFoundException e) {
            return;
        }
        if (st.isDirectory()) {
            throw new IOException("output path '" + uri + "' is a directory; give the path of a file to write");
        }
        if (!overwrite) {
            throw alreadyExists(uri);
        }
    }

    private static FileAlreadyExistsException alreadyExists(String uri) {
        return new FileAlreadyExistsException("output file '" + uri
                + "' already exists; set output.overwrite=true to replace it");
    }

    private static void commit(FileSystem userFs, FileSystem fs, Path tmp, Path target, String uri, boolean overwrite)
            throws IOException {
        if (fs.exists(target)) {
            if (!overwrite) {
                throw alreadyExists(uri); // appeared while we were writing
            }
            if (fs.getFileStatus(target).isDirectory()) {
                throw new IOException("output path '" + uri + "' is a directory; give the path of a file to write");
            }
            if (!fs.delete(target, false) && fs.exists(target)) {
                throw new IOException("could not delete the existing output file '" + uri + "' to replace it");
            }
        }
        if (userFs instanceof ChecksumFileSystem c) {
            Path crc = c.getChecksumFile(target);
            if (fs.exists(crc)) {
                fs.delete(crc, false);
            }
        }
        if (!fs.rename(tmp, target)) {
            if (fs.exists(target) && !overwrite) {
                throw alreadyExists(uri);
            }
            throw new IOException("could not rename the temporary file '" + tmp + "' to '" + uri + "'");
        }
    }
}
