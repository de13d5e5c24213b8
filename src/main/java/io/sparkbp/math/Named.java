package io.sparkbp.math;

import java.util.Locale;

/**
 * An enum of options named in configuration, model files and checkpoints by its lower-case {@link #id()};
 * {@link #parse} reads an id back, with one error message for every such enum.
 */
public interface Named {
    /** The constant's name, as the enum declares it. */
    String name();

    /** Lower-case name, as configuration, model files and checkpoints spell it. */
    default String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The constant of {@code type} whose id is {@code s} (any case, surrounding blanks ignored); else an
     * {@link IllegalArgumentException} "unknown {@code what} 's': expected a, b or c".
     */
    static <E extends Enum<E> & Named> E parse(Class<E> type, String s, String what) {
        E[] all = type.getEnumConstants();
        String id = s == null ? "" : s.strip();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < all.length; i++) {
            if (all[i].id().equalsIgnoreCase(id)) {
                return all[i];
            }
            expected.append(i == 0 ? "" : i == all.length - 1 ? " or " : ", ").append(all[i].id());
        }
        throw new IllegalArgumentException("unknown " + what + " '" + s + "': expected " + expected);
    }
}
