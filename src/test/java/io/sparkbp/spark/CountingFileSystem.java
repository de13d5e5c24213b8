package io.sparkbp.spark;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local file system under the scheme {@code countfs:} (register it with {@code fs.countfs.impl}),
 * counting how often files are opened for reading: Hadoop's line reader opens its file once per
 * input split, so the count tells how many passes read the text.
 */
public class CountingFileSystem extends RawLocalFileSystem {
    public static final String SCHEME = "countfs";
    static final AtomicLong OPENS = new AtomicLong();
    private static final URI NAME = URI.create(SCHEME + ":///");

    @Override
    public URI getUri() {
        return NAME;
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        OPENS.incrementAndGet();
        return super.open(f, bufferSize);
    }
}
