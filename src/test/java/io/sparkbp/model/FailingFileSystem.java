package io.sparkbp.model;

import io.sparkbp.testing.SchemeLocalFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FsErrors;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.util.Progressable;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The local file system under the scheme {@code failfs:} (register it with {@code
 * fs.failfs.impl}), with two faults on demand: writing a file whose name contains {@code full}, or
 * any file under a directory named {@code full-disk}, fails as a full local disk does (Hadoop's {@link
 * FSError}), and renaming onto a name that contains {@code stuck} fails.
 */
public class FailingFileSystem extends SchemeLocalFileSystem {
    public static final String SCHEME = "failfs";

    @Override
    protected String scheme() {
        return SCHEME;
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        return faulty(f, super.create(f, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        return faulty(f, super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    /** What the process may do to the local file (the permission bits are read only for {@code file:} paths). */
    @Override
    public void access(Path path, FsAction mode) throws IOException {
        java.io.File f = pathToFile(path);
        if (!f.exists()) {
            throw new java.io.FileNotFoundException(path.toString());
        }
        if (mode.implies(FsAction.WRITE) && !f.canWrite()) {
            throw new AccessControlException(path + " is not writable");
        }
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        return !dst.getName().contains("stuck") && super.rename(src, dst);
    }

    private FSDataOutputStream faulty(Path f, FSDataOutputStream real) throws IOException {
        boolean fullDir = false;
        for (Path d = f.getParent(); d != null; d = d.getParent()) {
            fullDir |= d.getName().equals("full-disk");
        }
        if (!f.getName().contains("full") && !fullDir) {
            return real;
        }
        real.close();
        return new FSDataOutputStream(new OutputStream() {
            @Override
            public void write(int b) {
                throw FsErrors.noSpaceLeft();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                throw FsErrors.noSpaceLeft();
            }
        }, null);
    }
}
