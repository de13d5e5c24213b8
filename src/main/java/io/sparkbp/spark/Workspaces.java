package io.sparkbp.spark;

import io.sparkbp.nn.BlockGradient;
import io.sparkbp.nn.GradientAccumulator;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.optim.Optimizer;
import io.sparkbp.optim.OptimizerKind;
import io.sparkbp.optim.OptimizerSettings;

/**
 * Per-thread work buffers on executors, reused across blocks, tasks, steps and epochs: an executor
 * thread that runs task after task of the same network keeps one {@link Workspace}, so a step
 * allocates no parameter-sized array on executors once the first tasks have run.
 */
final class Workspaces {
    private static final ThreadLocal<Workspace> CURRENT = new ThreadLocal<>();

    private Workspaces() {
    }

    /** This thread's block kernels for {@code spec}. */
    static BlockGradient get(NetworkSpec spec, int rows) {
        return of(spec).gradient;
    }

    /** This thread's workspace for {@code spec} (a new one if the thread last worked on another network). */
    static Workspace of(NetworkSpec spec) {
        Workspace w = CURRENT.get();
        if (w == null || !w.spec.equals(spec)) {
            w = new Workspace(spec);
            CURRENT.set(w);
        }
        return w;
    }

    /** One thread's buffers for one network. Used only by the thread that owns it. */
    static final class Workspace {
        final NetworkSpec spec;
        final BlockGradient gradient;
        private final int numParams;
        private final double[][] vectors = new double[3][];
        private float[] floats;
        private GradientAccumulator sums;
        private GradientAccumulator spare;
        private Optimizer optimizer;
        private OptimizerSettings optimizerSettings;

        private Workspace(NetworkSpec spec) {
            this.spec = spec;
            this.gradient = new BlockGradient(spec, 256);
            this.numParams = spec.numParams();
        }

        /**
         * A zeroed accumulator to return as this task's result. It reuses an earlier result of this
         * thread only after Spark has serialized that one (on this thread, as executors do before
         * the thread runs its next task), so a buffer handed to Spark is never changed while Spark
         * may still read it; if a result is never serialized it is simply not reused.
         */
        GradientAccumulator result() {
            return result(numParams);
        }

        /** As {@link #result()}, with {@code length} sums (a local round returns weights and optimizer state). */
        GradientAccumulator result(int length) {
            GradientAccumulator acc = spare;
            spare = null;
            if (acc == null || acc.gradSum().length != length) {
                acc = new GradientAccumulator(length);
            } else {
                acc.reset();
            }
            GradientAccumulator handed = acc;
            Thread owner = Thread.currentThread();
            acc.afterSerialization(() -> {
                if (Thread.currentThread() == owner) {
                    spare = handed;
                }
            });
            return acc;
        }

        /** Scratch vector {@code slot} (0..2) of {@code numParams} doubles, contents unspecified; never part of a result. */
        double[] vector(int slot) {
            if (vectors[slot] == null) {
                vectors[slot] = new double[numParams];
            }
            return vectors[slot];
        }

        /** Scratch float vector of {@code numParams}, contents unspecified. */
        float[] floats() {
            if (floats == null) {
                floats = new float[numParams];
            }
            return floats;
        }

        /**
         * This thread's step optimizer of kind {@code kind} with {@code settings}, its state
         * unspecified until the caller restores one.
         */
        Optimizer optimizer(OptimizerKind kind, OptimizerSettings settings) {
            if (optimizer == null || !optimizer.name().equals(kind.id()) || !settings.equals(optimizerSettings)) {
                optimizer = Optimizer.create(kind, numParams, settings);
                optimizerSettings = settings;
            }
            return optimizer;
        }

        /** A scratch accumulator, zeroed; never part of a result. */
        GradientAccumulator sums() {
            if (sums == null) {
                sums = new GradientAccumulator(numParams);
            } else {
                sums.reset();
            }
            return sums;
        }
    }
}
