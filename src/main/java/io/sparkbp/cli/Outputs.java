package io.sparkbp.cli;

import io.sparkbp.model.HadoopFiles;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;

/**
 * Writes the text outputs of a command atomically (checked up front by {@link RunPaths}).
 */
final class Outputs {
    private final Configuration conf;
    private final boolean overwrite;

    Outputs(Configuration conf, boolean overwrite) {
        this.conf = conf;
        this.overwrite = overwrite;
    }

    void writeText(String uri, String text) {
        try {
            HadoopFiles.writeString(uri, conf, overwrite, text);
        } catch (IOException e) {
            throw new UsageException("cannot write " + uri + ": " + e.getMessage());
        }
    }
}
