/**
 * The {@code spark.ml} face of the trainer: {@link io.sparkbp.ml.SparkbpEstimator} and {@link
 * io.sparkbp.ml.SparkbpModel}, a Pipeline-ready Estimator/Model pair with MLlib's column conventions,
 * backed by the same loader, trainer and model file as the command line.
 */
package io.sparkbp.ml;
