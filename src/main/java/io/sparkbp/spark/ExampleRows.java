package io.sparkbp.spark;

import io.sparkbp.data.DataException;
import io.sparkbp.data.ExampleRow;

/**
 * A partition's examples, read one at a time into a row the reader reuses ({@link ExampleRow}), up to
 * the data error that may end them: what packing and the statistics consume, whether the examples come
 * from text parsed line by line ({@link ParsingIterator}) or from example objects ({@link
 * Partial.UntilFailure}).
 */
interface ExampleRows {
    /** The next example into {@code row}: true, or false at the end or at the data error that ends them. */
    boolean next(ExampleRow row);

    /** The data error that ended the examples, or null (so far). */
    DataException failure();
}
