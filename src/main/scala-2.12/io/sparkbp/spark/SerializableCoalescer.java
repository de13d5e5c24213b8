package io.sparkbp.spark;

import org.apache.spark.rdd.PartitionCoalescer;

/**
 * A {@link PartitionCoalescer} that Spark accepts as serializable. Spark checks
 * {@code isInstanceOf[Serializable]} with Scala's {@code Serializable}: on Scala 2.12 that is the
 * trait {@code scala.Serializable} (this file, src/main/scala-2.12), which extends
 * {@code java.io.Serializable}; on Scala 2.13 it is {@code java.io.Serializable} itself (the file of
 * the same name in src/main/scala-2.13). The build adds the directory of its
 * {@code scala.binary.version}.
 */
interface SerializableCoalescer extends PartitionCoalescer, scala.Serializable {
}
