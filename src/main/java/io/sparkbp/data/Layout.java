package io.sparkbp.data;

import java.util.Locale;

/** How {@link BlockPacker} stores a block's inputs ({@code data.layout}). */
public enum Layout {
    /** Always a dense {@code nIn x rows} matrix. */
    DENSE,
    /** Always compressed-column sparse. */
    SPARSE,
    /**
     * Per block: sparse when fewer than {@link BlockPacker#SPARSE_BELOW} of the block's {@code nIn x rows}
     * entries are nonzero, else dense.
     */
    AUTO;

    /** Lower-case name as used in configuration. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code dense}, {@code sparse} or {@code auto} (case-insensitive, surrounding blanks ignored). */
    public static Layout parse(String s) {
        String v = s == null ? "" : s.trim();
        for (Layout l : values()) {
            if (l.id().equalsIgnoreCase(v)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown block layout '" + s + "': expected dense, sparse or auto");
    }
}
