/**
 * Dense linear-algebra access and elementwise kernels. All matrices are column-major,
 * {@code a[col * rows + row]}, and calls go through the BLAS that Spark itself ships
 * ({@code dev.ludovic.netlib}): native OpenBLAS when the machine has it, else a pure-Java one.
 * Nothing here knows about networks or Spark.
 */
package io.sparkbp.math;
