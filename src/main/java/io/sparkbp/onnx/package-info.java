/**
 * ONNX export of a trained model: the network, its input standardization and (linear outputs) its
 * inverse target transform as one ONNX graph, so that ONNX Runtime and other ONNX tools give the
 * numbers {@code predict} gives. The protobuf wire format is written by hand ({@link
 * io.sparkbp.onnx.ProtoWriter}); depends on {@code model}, {@code nn} and Hadoop's file system, never on Spark.
 */
package io.sparkbp.onnx;
