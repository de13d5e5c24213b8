package io.sparkbp.cli;

import io.sparkbp.model.HadoopFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/**
 * Output files of a command: refused up front when they exist and {@code output.overwrite} is
 * false, so a run never trains for an hour and then fails to write; written atomically.
 */
final class Outputs {
    private final Configuration conf;
    private final boolean overwrite;

    Outputs(Configuration conf, boolean overwrite) {
        this.conf = conf;
        this.overwrite = overwrite;
    }

    void checkWritable(String key, String uri) {
        if (uri == null || overwrite) {
            return;
        }
        try {
            Path p = new Path(uri);
            if (p.getFileSystem(conf).exists(p)) {
                throw new UsageException(key + "=" + uri + " already exists; set output.overwrite=true to replace it");
            }
        } catch (IOException e) {
            throw new UsageException(key + "=" + uri + " cannot be checked: " + e.getMessage());
        }
    }

    /**
     * As {@link #checkWritable}, for an output that is one file: also refused when {@code uri} is a
     * directory, which the write at the end would refuse.
     */
    void checkFileWritable(String key, String uri) {
        checkWritable(key, uri);
        if (uri == null) {
            return;
        }
        try {
            HadoopFiles.checkWritable(uri, conf, true);
        } catch (IOException e) {
            throw new UsageException(key + "=" + uri + " cannot be written: " + e.getMessage());
        }
    }

    void writeText(String uri, String text) {
        try {
            HadoopFiles.writeString(uri, conf, overwrite, text);
        } catch (IOException e) {
            throw new UsageException("cannot write " + uri + ": " + e.getMessage());
        }
    }
}
