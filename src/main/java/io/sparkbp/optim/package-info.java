/**
 * Optimizers that turn gradients of {@link io.sparkbp.nn.Objective} into parameter updates: the
 * step optimizers {@link io.sparkbp.optim.Sgd} (with momentum and Nesterov) and {@link
 * io.sparkbp.optim.Adam} behind {@link io.sparkbp.optim.Optimizer}, full-batch {@link
 * io.sparkbp.optim.Lbfgs} with a strong Wolfe line search, and learning-rate schedules. Every
 * update follows {@code theta -= learningRate * direction}; all state can be exported and restored
 * bit for bit for checkpoints. Plain Java; nothing here knows about Spark.
 */
package io.sparkbp.optim;
