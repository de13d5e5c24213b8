package io.sparkbp.spark;

import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.RecordReader;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapred.TextInputFormat;

import java.io.IOException;

/**
 * Hadoop's {@link TextInputFormat} whose reader fails on its first read, not when it is made. Opening
 * a compressed split already decompresses its start (a {@code .bz2} file reads its first block), so a
 * truncated or damaged file fails inside Spark's {@code HadoopRDD.compute}, before the iterator reaches
 * the code that turns an unreadable file into a data error naming it. Deferred, the same {@link
 * IOException} comes from the iterator, where every other damaged file's does.
 */
public final class SplitTextFormat extends TextInputFormat {
    @Override
    public RecordReader<LongWritable, Text> getRecordReader(InputSplit split, JobConf job, Reporter reporter)
            throws IOException {
        try {
            return super.getRecordReader(split, job, reporter);
        } catch (IOException e) {
            return new Unreadable(e);
        }
    }

    /** A reader of a split that could not be opened: its first read throws why. */
    private record Unreadable(IOException cause) implements RecordReader<LongWritable, Text> {
        @Override
        public boolean next(LongWritable key, Text value) throws IOException {
            throw cause;
        }

        @Override
        public LongWritable createKey() {
            return new LongWritable();
        }

        @Override
        public Text createValue() {
            return new Text();
        }

        @Override
        public long getPos() {
            return 0;
        }

        @Override
        public void close() {
        }

        @Override
        public float getProgress() {
            return 0;
        }
    }
}
