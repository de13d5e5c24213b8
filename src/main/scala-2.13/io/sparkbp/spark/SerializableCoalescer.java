package io.sparkbp.spark;

import org.apache.spark.rdd.PartitionCoalescer;

/**
 * A {@link PartitionCoalescer} that Spark accepts as serializable. Spark checks
 * {@code isInstanceOf[Serializable]} with Scala's {@code Serializable}: on Scala 2.13 that is
 * {@code java.io.Serializable} (this file, src/main/scala-2.13), on Scala 2.12 it is the trait
 * {@code scala.Serializable} (the file of the same name in src/main/scala-2.12). The build adds the
 * directory of its {@code scala.binary.version}.
 */
interface SerializableCoalescer extends PartitionCoalescer, java.io.Serializable {
}
