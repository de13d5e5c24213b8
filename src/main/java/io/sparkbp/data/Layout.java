package io.sparkbp.data;

import io.sparkbp.math.Named;

/** How {@link BlockPacker} stores a block's inputs ({@code data.layout}). */
public enum Layout implements Named {
    /** Always a dense {@code nIn x rows} matrix. */
    DENSE,
    /** Always compressed-column sparse. */
    SPARSE,
    /**
     * Per block: sparse when fewer than {@link BlockPacker#SPARSE_BELOW} of the block's {@code nIn x rows}
     * entries are nonzero, else dense.
     */
    AUTO;

    /** Parses {@code dense}, {@code sparse} or {@code auto} (case-insensitive, surrounding blanks ignored). */
    public static Layout parse(String s) {
        return Named.parse(Layout.class, s, "block layout");
    }
}
