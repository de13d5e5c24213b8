package org.apache.hadoop.fs;

import java.io.IOException;

/**
 * Test access to {@link FSError}, whose constructor is package-private: the error the local file
 * system throws when a write fails, e.g. on a full disk.
 */
public final class FsErrors {
    private FsErrors() {
    }

    /** The {@link FSError} of a write to a full local disk. */
    public static FSError noSpaceLeft() {
        return new FSError(new IOException("No space left on device"));
    }
}
