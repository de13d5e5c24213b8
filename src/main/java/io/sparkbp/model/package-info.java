/**
 * Trained models: the immutable {@link io.sparkbp.model.Model} (network shape, flat parameters,
 * optional input/output transforms and free-form metadata), its on-disk JSON format {@link
 * io.sparkbp.model.ModelFormat} (format {@code "sparkbp-mlp"}, version 1), atomic writes to any
 * Hadoop file system ({@link io.sparkbp.model.HadoopFiles}) and block-wise inference ({@link
 * io.sparkbp.model.Predictor}). Depends on {@code io.sparkbp.nn}, on {@code io.sparkbp.data} for the
 * transforms ({@link io.sparkbp.data.Transform}, which standardization makes), on jackson-databind (which
 * binds the model file to records) and on the Hadoop file-system API; nothing here knows about Spark.
 */
package io.sparkbp.model;
