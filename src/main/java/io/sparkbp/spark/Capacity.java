package io.sparkbp.spark;

import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.Layout;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.report.Figures;

import java.util.Locale;

/**
 * Settings that cannot work on this JVM, refused before any data are read ({@link PlanException},
 * exit 2) instead of failing later inside a task or with an {@code OutOfMemoryError} after the data
 * are loaded: blocks longer than a Java array, and a network whose parameter-sized vectors do not
 * fit in the driver's heap.
 */
final class Capacity {
    private Capacity() {
    }

    /** Refuses {@code data.blockRows} when one block of it cannot be made (see {@link BlockPacker#tooLarge}). */
    static void requireBlocksFit(int nIn, int nOut, int blockRows, Layout layout) {
        String why = BlockPacker.tooLarge(nIn, nOut, blockRows, layout);
        if (why != null) {
            throw new PlanException("data.blockRows", "data.blockRows=" + blockRows + ": " + why);
        }
    }

    /**
     * How many parameter-sized vectors of doubles the driver holds at once while training with {@code
     * s}, at least: the initial weights, the weights, the gradient, the copy of the weights sent to
     * the executors and the summed gradient that comes back (5), the best weights kept for early
     * stopping (1), and the optimizer's state: SGD's velocity (1, with momentum), Adam's two moments
     * (2), or L-BFGS's six working vectors and two per remembered step.
     */
    static int driverCopies(TrainerSettings s) {
        int optimizer = switch (s.optimizer()) {
            case ADAM -> 2;
            case LBFGS -> 6 + 2 * DistributedTrainer.LBFGS_MEMORY;
            case SGD -> s.momentum() != 0 ? 1 : 0;
        };
        return 5 + 1 + optimizer;
    }

    /** Refuses a network whose {@link #driverCopies} do not fit in {@code maxHeap} bytes (the driver's {@code -Xmx}). */
    static void requireDriverHeap(TrainerSettings s, long maxHeap) {
        NetworkSpec spec = s.spec();
        long params = spec.numParams();
        int copies = driverCopies(s);
        long need = 8L * params * copies;
        if (need > maxHeap) {
            String key = sizeKey(spec);
            throw new PlanException(key, String.format(Locale.ROOT, "%s: the network %s has %,d parameters, and training it"
                    + " with %s keeps at least %d copies of them on the driver (weights, gradient, optimizer state),"
                    + " 8 bytes each: %s, more than the driver's maximum heap of %s; use a smaller network"
                    + " (%s) or give the driver more memory (--driver-memory)", key, spec, params, s.optimizer().id(),
                    copies, Figures.bytes(need), Figures.bytes(maxHeap), key));
        }
    }

    /**
     * The setting that sizes {@code spec} most: the hidden widths when there are hidden layers, else
     * the larger of the input count ({@code data.features}) and the output count ({@code model.outputs}).
     */
    static String sizeKey(NetworkSpec spec) {
        if (spec.layers().length > 2) {
            return "model.hidden";
        }
        return spec.outputs() > spec.inputs() ? "model.outputs" : "data.features";
    }
}
