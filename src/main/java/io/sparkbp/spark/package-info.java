/**
 * The distributed trainer: loading Hadoop text files into cached blocks, and the training loop that
 * broadcasts the weights, sums block gradients with {@code treeAggregate} and updates on the driver.
 * This is the only package (with {@code cli}) that knows about Spark.
 */
package io.sparkbp.spark;
