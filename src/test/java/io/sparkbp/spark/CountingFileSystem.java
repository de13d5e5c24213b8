package io.sparkbp.spark;

import io.sparkbp.testing.SchemeLocalFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local file system under the scheme {@code countfs:} (register it with {@code fs.countfs.impl}),
 * counting how often files are opened for reading: Hadoop's line reader opens its file once per
 * input split, so the count tells how many passes read the text.
 */
public class CountingFileSystem extends SchemeLocalFileSystem {
    public static final String SCHEME = "countfs";
    static final AtomicLong OPENS = new AtomicLong();

    @Override
    protected String scheme() {
        return SCHEME;
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        OPENS.incrementAndGet();
        return super.open(f, bufferSize);
    }
}
