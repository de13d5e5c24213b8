package io.sparkbp.cli;

import io.sparkbp.model.FileBatch;
import io.sparkbp.model.HadoopFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The output files of one command, written all or nothing (a {@link FileBatch}; checked up front by
 * {@link RunPaths}): each is written to a temporary name as soon as it is ready, {@link #commit} puts
 * them all in place, and {@link #close} without a commit leaves nothing of this run behind. A failure,
 * a full disk included, is a {@link UsageException} naming the output.
 */
final class Outputs implements AutoCloseable {
    private final FileBatch batch;

    Outputs(Configuration conf, boolean overwrite) {
        this.batch = new FileBatch(conf, overwrite);
    }

    /** Writes {@code text} (UTF-8) for output {@code key}={@code uri}, under a temporary name until {@link #commit}. */
    void addText(String key, String uri, String text) {
        add(key, uri, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes {@code content} for output {@code key}={@code uri}, under a temporary name until {@link #commit}. */
    void add(String key, String uri, HadoopFiles.Content content) {
        try {
            batch.add(uri, content);
        } catch (IOException e) {
            throw new UsageException("cannot write " + key + "=" + uri + ": " + e.getMessage());
        } catch (FSError e) {
            // the local file system's disk-full and I/O errors
            throw new UsageException("cannot write " + key + "=" + uri + ": " + e.getCause().getMessage());
        }
    }

    /** Puts every output in place, or none. */
    void commit() {
        try {
            batch.commit();
        } catch (IOException e) {
            throw new UsageException("cannot put the outputs in place, so none was written: " + e.getMessage());
        } catch (FSError e) {
            throw new UsageException("cannot put the outputs in place, so none was written: "
                    + e.getCause().getMessage());
        }
    }

    @Override
    public void close() {
        batch.close();
    }
}
