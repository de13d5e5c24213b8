package io.sparkbp.spark;

import io.sparkbp.nn.BlockGradient;
import io.sparkbp.nn.NetworkSpec;

/**
 * Per-thread work buffers on executors, reused across blocks, steps and epochs: an executor thread
 * that runs task after task of the same network keeps one {@link BlockGradient}.
 */
final class Workspaces {
    private static final ThreadLocal<BlockGradient> CURRENT = new ThreadLocal<>();

    private Workspaces() {
    }

    static BlockGradient get(NetworkSpec spec, int rows) {
        BlockGradient bg = CURRENT.get();
        if (bg == null || !bg.spec().equals(spec)) {
            bg = new BlockGradient(spec, rows);
            CURRENT.set(bg);
        }
        return bg;
    }
}
