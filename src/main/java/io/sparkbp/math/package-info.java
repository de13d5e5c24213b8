/**
 * Dense linear-algebra access and elementwise kernels. All matrices are column-major,
 * {@code a[col * rows + row]}, and calls go through the BLAS that Spark itself ships
 * ({@code dev.ludovic.netlib}): native OpenBLAS when the machine has it, else a pure-Java one.
 * {@link io.sparkbp.math.Named} gives the option enums above it one lower-case id and one parse error.
 * Nothing here knows about networks or Spark.
 */
package io.sparkbp.math;
