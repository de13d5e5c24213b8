package io.sparkbp.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * File-level helpers for text inputs read through Hadoop: turning the byte offset that Hadoop's
 * line reader reports into a 1-based line number (only needed on the error path, so it rereads the
 * file prefix), and reading a file's first line (the CSV header). Compressed files are decompressed
 * with the codec their suffix names, as Hadoop does when reading them.
 */
final class LineLocator {
    private LineLocator() {
    }

    /** 1-based number of the line that starts at byte {@code offset} of the (decompressed) file. */
    static long lineNumber(String file, long offset, Configuration conf) {
        try (InputStream in = open(file, conf)) {
            byte[] buf = new byte[1 << 16];
            long pos = 0;
            long line = 1;
            int prev = -1;
            while (pos < offset) {
                int want = (int) Math.min(buf.length, offset - pos);
                int n = in.read(buf, 0, want);
                if (n < 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    int c = buf[i];
                    // Hadoop's LineReader ends a line at LF, CR or CR LF; CR LF counts once (at the CR).
                    if (c == '\r' || (c == '\n' && prev != '\r')) {
                        line++;
                    }
                    prev = c;
                }
                pos += n;
            }
            return line;
        } catch (IOException e) {
            return -1;
        }
    }

    /** The first line of {@code file}, without a byte-order mark, or null if the file is empty. */
    static String firstLine(String file, Configuration conf) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(file, conf), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            return line;
        }
    }

    private static InputStream open(String file, Configuration conf) throws IOException {
        Path p = new Path(file);
        FileSystem fs = p.getFileSystem(conf);
        InputStream raw = new BufferedInputStream(fs.open(p));
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
        return codec == null ? raw : codec.createInputStream(raw);
    }
}
