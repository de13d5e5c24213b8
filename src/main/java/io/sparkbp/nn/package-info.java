/**
 * The backpropagation core: network shape, hidden activations, output kinds with their stable
 * losses and their label contract (label to targets, the argmax or threshold decision, the headline
 * metric), and forward/backward passes over a block of examples into a caller-owned gradient
 * accumulator. The objective every part of the project agrees on is defined in {@link
 * io.sparkbp.nn.Objective}. Plain Java; nothing here knows about Spark.
 */
package io.sparkbp.nn;
