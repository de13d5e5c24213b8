package io.sparkbp.it;

import io.sparkbp.testing.SchemeLocalFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/**
 * The local file system under the scheme {@code stallfs:} (register it with
 * {@code spark.hadoop.fs.stallfs.impl}) on which the first attempt of partition 0 of any Spark task
 * stalls as it opens a file, for up to two minutes or until Spark kills it: a straggler, for which
 * speculation starts a copy elsewhere. Every other open (later attempts, other partitions, the driver)
 * is the local file system's.
 */
public class StallingFileSystem extends SchemeLocalFileSystem {
    public static final String SCHEME = "stallfs";

    @Override
    protected String scheme() {
        return SCHEME;
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        TaskContext task = TaskContext.get();
        if (task != null && task.partitionId() == 0 && task.attemptNumber() == 0) {
            try {
                TimeUnit.MINUTES.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("stalled read of " + f + " killed by Spark");
            }
        }
        return super.open(f, bufferSize);
    }
}
