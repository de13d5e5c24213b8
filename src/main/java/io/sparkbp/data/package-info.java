/**
 * Reading data: parsing LIBSVM and CSV lines into examples ({@link io.sparkbp.data.LineParser}),
 * standardization statistics and their application ({@link io.sparkbp.data.FeatureStats}, {@link
 * io.sparkbp.data.Standardizer}, producing {@link io.sparkbp.data.Transform}s) and packing examples into
 * {@link io.sparkbp.nn.Block}s ({@link io.sparkbp.data.BlockPacker}). Every data problem is a {@link
 * io.sparkbp.data.DataException} (exit code 3). Plain Java; nothing here knows about Spark.
 *
 * <p>Pipeline per partition: {@code line -> parser.parse -> standardizer.apply -> packer}.
 */
package io.sparkbp.data;
