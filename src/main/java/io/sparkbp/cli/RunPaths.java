package io.sparkbp.cli;

import io.sparkbp.model.HadoopFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobPattern;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.security.AccessControlException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paths one command reads and writes, checked together before any work, so that a run never
 * destroys its own data and never trains for an hour to fail at the end.
 *
 * <p>Every path is qualified on its Hadoop file system and normalized ({@code out/./m.json}, {@code
 * out/../out/m.json} and {@code file:///abs/out/m.json} are one path); local paths also have their
 * symbolic links resolved as far as they exist. An input that is a glob stands for everything it
 * matches, and for what it would match: an output that the pattern matches (or one of whose
 * directories it matches) would be read as data by the next run, and is refused. {@link #check()} refuses, naming both keys and the path, an output that equals, contains
 * or lies inside an input or another output; then, for each output, an existing target that may not
 * be replaced, and a parent that cannot be created or written. All refusals are {@link
 * UsageException}s (exit 2), as is, when it is added, an output whose name holds a {@code ':'}, which
 * Hadoop could not write ({@link HadoopFiles#colonName}).
 */
final class RunPaths {
    /**
     * The file a {@code predict} output directory holds so that {@code output.overwrite=true} may
     * replace it: nothing else is ever deleted. Hadoop input formats skip names starting with {@code _}.
     */
    static final String PREDICTIONS_MARKER = "_SPARKBP_PREDICTIONS";

    /** How an output is written, which decides when an existing one is in the way. */
    enum Kind {
        /** One file, written at the end; an existing file is replaced only with {@code output.overwrite=true}. */
        FILE,
        /** A directory this run adds files to (checkpoints); it may exist. */
        DIRECTORY,
        /** A directory replaced whole, only when {@code output.overwrite=true} and it holds {@link #PREDICTIONS_MARKER}. */
        PREDICTIONS
    }

    private record Named(String key, String given, Path path, Kind kind) {
        String show() {
            return key + "=" + given;
        }
    }

    private final Configuration conf;
    private final boolean overwrite;
    private final List<Named> inputs = new ArrayList<>();
    /** The inputs given as glob patterns, qualified, which also stand for what they would match later. */
    private final List<Named> globs = new ArrayList<>();
    private final List<Named> outputs = new ArrayList<>();

    RunPaths(Configuration conf, boolean overwrite) {
        this.conf = conf;
        this.overwrite = overwrite;
    }

    /** Adds input {@code key} (ignored when {@code uri} is null or blank): a file, directory or glob. */
    RunPaths input(String key, String uri) {
        if (uri == null || uri.isBlank()) {
            return this;
        }
        if (key.equals("--conf")) {
            inputs.add(new Named(key, uri, qualify(key, uri), null)); // a local file Java has read: no glob
            return this;
        }
        String colon = HadoopFiles.colonName(uri);
        if (colon != null) {
            if (key.startsWith("data.") || key.equals("--data")) {
                throw io.sparkbp.spark.DataLoader.colonInName(key, uri, colon);
            }
            throw new UsageException(HadoopFiles.colonProblem(key, uri, colon) + "; rename the file, or link it"
                    + " under a name without ':'");
        }
        Path q = qualify(key, uri);
        if (q.toUri().getPath().matches(".*[*?\\[{].*")) {
            globs.add(new Named(key, uri, q, null));
        }
        try {
            FileStatus[] matches = q.getFileSystem(conf).globStatus(q);
            if (matches == null || matches.length == 0) {
                inputs.add(new Named(key, uri, q, null)); // missing: the reader reports it
            } else {
                for (FileStatus m : matches) {
                    inputs.add(new Named(key, uri, canonical(m.getPath()), null));
                }
            }
        } catch (IOException e) {
            throw new UsageException(key + "=" + uri + " cannot be read: " + e.getMessage());
        }
        return this;
    }

    /** Adds output {@code key} of {@code kind} (ignored when {@code uri} is null or blank). */
    RunPaths output(String key, String uri, Kind kind) {
        if (uri != null && !uri.isBlank()) {
            String colon = HadoopFiles.colonName(uri);
            if (colon != null) {
                throw new UsageException(HadoopFiles.colonProblem(key, uri, colon) + "; give " + key
                        + " a path without ':'");
            }
            outputs.add(new Named(key, uri, qualify(key, uri), kind));
        }
        return this;
    }

    /** Refuses the first conflict or unwritable output; see the class comment. */
    void check() {
        for (int i = 0; i < outputs.size(); i++) {
            Named o = outputs.get(i);
            for (Named in : inputs) {
                requireApart(o, in, "the input");
            }
            for (int j = 0; j < i; j++) {
                requireApart(o, outputs.get(j), "the output");
            }
            for (Named glob : globs) {
                requireUnmatched(o, glob);
            }
        }
        for (Named o : outputs) {
            checkWritable(o);
        }
    }

    private static void requireApart(Named o, Named other, String role) {
        if (o.path().equals(other.path())) {
            throw new UsageException(o.show() + " is also " + other.show() + " (" + o.path() + ")"
                    + (role.equals("the input") ? ", an input, which an output never replaces" : "")
                    + "; give " + o.key() + " its own path");
        }
        if (within(other.path(), o.path())) {
            throw new UsageException(o.show() + " contains " + role + " " + other.show() + " (" + other.path()
                    + "); give " + o.key() + " a path outside it");
        }
        if (within(o.path(), other.path())) {
            throw new UsageException(o.show() + " lies inside " + role + " " + other.show() + " (" + other.path()
                    + "); give " + o.key() + " a path outside it");
        }
    }

    /**
     * Refuses an output that a glob input would match once it is written (the output itself or one of
     * its directories): the next run with the same settings would read it as data.
     */
    private static void requireUnmatched(Named o, Named glob) {
        if (matchedBy(o.path(), glob.path())) {
            throw new UsageException(o.show() + " would be matched by the input " + glob.show() + " ("
                    + glob.path() + "), so a later run would read it as data; give " + o.key()
                    + " a path the pattern does not match");
        }
    }

    /** True when {@code pattern}, component by component, matches {@code p} or one of its ancestors. */
    static boolean matchedBy(Path p, Path pattern) {
        java.net.URI a = p.toUri();
        java.net.URI b = pattern.toUri();
        if (!same(a.getScheme(), b.getScheme()) || !same(a.getAuthority(), b.getAuthority())) {
            return false;
        }
        String[] path = a.getPath().split("/");
        String[] glob = b.getPath().split("/");
        if (path.length < glob.length) {
            return false;
        }
        for (int i = 0; i < glob.length; i++) {
            if (!GlobPattern.compile(glob[i]).matcher(path[i]).matches()) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code inner} lies strictly inside the directory {@code outer} (same file system). */
    static boolean within(Path inner, Path outer) {
        java.net.URI a = inner.toUri();
        java.net.URI b = outer.toUri();
        if (!same(a.getScheme(), b.getScheme()) || !same(a.getAuthority(), b.getAuthority())) {
            return false;
        }
        String dir = b.getPath().endsWith("/") ? b.getPath() : b.getPath() + "/";
        return a.getPath().startsWith(dir) && a.getPath().length() > dir.length();
    }

    private static boolean same(String x, String y) {
        return x == null ? y == null : y != null && x.toLowerCase(Locale.ROOT).equals(y.toLowerCase(Locale.ROOT));
    }

    private Path qualify(String key, String uri) {
        try {
            Path p = new Path(uri.strip());
            return canonical(p.getFileSystem(conf).makeQualified(p));
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException(key + "=" + uri + " is not a usable path: " + e.getMessage());
        }
    }

    /**
     * A local path with its existing part's symbolic links resolved (two names of one file are one
     * path); other file systems' paths as they are.
     */
    private static Path canonical(Path q) {
        if (!"file".equals(q.toUri().getScheme())) {
            return q;
        }
        java.nio.file.Path p = Paths.get(q.toUri());
        java.nio.file.Path rest = null;
        while (p != null && !Files.exists(p)) {
            rest = rest == null ? p.getFileName() : p.getFileName().resolve(rest);
            p = p.getParent();
        }
        if (p == null) {
            return q;
        }
        try {
            java.nio.file.Path real = p.toRealPath();
            return new Path((rest == null ? real : real.resolve(rest)).toUri());
        } catch (IOException e) {
            return q;
        }
    }

    private void checkWritable(Named o) {
        try {
            FileSystem fs = o.path().getFileSystem(conf);
            FileStatus st = status(fs, o.path());
            if (st != null) {
                checkExisting(fs, o, st);
            }
            // a checkpoint directory is written into; every other output is created in its parent
            Path dir = st != null && o.kind() == Kind.DIRECTORY ? o.path() : o.path().getParent();
            if (dir == null) {
                throw new UsageException(o.show() + " is the root of its file system; give a file path");
            }
            requireCreatable(fs, o, dir);
        } catch (IOException e) {
            throw new UsageException(o.show() + " cannot be checked: " + e.getMessage());
        }
    }

    private void checkExisting(FileSystem fs, Named o, FileStatus st) throws IOException {
        switch (o.kind()) {
            case FILE -> {
                if (st.isDirectory()) {
                    throw new UsageException(o.show() + " cannot be written: it is a directory; give the path of a"
                            + " file to write");
                }
                requireOverwrite(o);
            }
            case DIRECTORY -> {
                if (!st.isDirectory()) {
                    throw new UsageException(o.show() + " is a file, not a directory; give the path of a directory");
                }
            }
            case PREDICTIONS -> {
                requireOverwrite(o);
                if (!st.isDirectory() || !fs.exists(new Path(o.path(), PREDICTIONS_MARKER))) {
                    throw new UsageException(o.show() + " exists and was not written by sparkbp predict (it holds no "
                            + PREDICTIONS_MARKER + " marker); output.overwrite=true replaces only earlier predictions:"
                            + " remove it yourself or give another path");
                }
            }
            default -> throw new IllegalStateException(o.kind().toString());
        }
    }

    private void requireOverwrite(Named o) {
        if (!overwrite) {
            throw new UsageException(o.show() + " already exists; set output.overwrite=true to replace it");
        }
    }

    /** {@code dir} exists as a writable directory, or its nearest existing ancestor is one. */
    private static void requireCreatable(FileSystem fs, Named o, Path dir) throws IOException {
        Path p = dir;
        FileStatus st = status(fs, p);
        while (st == null && p.getParent() != null) {
            p = p.getParent();
            st = status(fs, p);
        }
        if (st == null) {
            throw new UsageException(o.show() + " cannot be written: no part of " + dir + " exists");
        }
        if (!st.isDirectory()) {
            throw new UsageException(o.show() + " cannot be written: " + p + " is a file, so " + dir
                    + " cannot be created");
        }
        if (!writable(fs, p)) {
            throw new UsageException(o.show() + " cannot be written: the directory " + p + " is not writable");
        }
    }

    private static boolean writable(FileSystem fs, Path dir) throws IOException {
        if ("file".equals(dir.toUri().getScheme())) {
            return Files.isWritable(Paths.get(dir.toUri())); // access(2): what this process may do
        }
        try {
            fs.access(dir, FsAction.WRITE);
            return true;
        } catch (AccessControlException e) {
            return false;
        }
    }

    private static FileStatus status(FileSystem fs, Path p) throws IOException {
        try {
            return fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
            return null;
        }
    }
}
