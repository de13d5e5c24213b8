package io.sparkbp.testing;

import org.apache.hadoop.fs.RawLocalFileSystem;

import java.net.URI;

/**
 * The local file system under a scheme of its own ({@code countfs:}, {@code failfs:}, ...), for test
 * file systems that add a fault or a count to the local one; register a subclass with {@code
 * fs.SCHEME.impl}. The scheme is a method, not a field: the local file system's constructor already
 * asks for the URI.
 */
public abstract class SchemeLocalFileSystem extends RawLocalFileSystem {
    /** This file system's scheme, a constant. */
    protected abstract String scheme();

    @Override
    public URI getUri() {
        return URI.create(scheme() + ":///");
    }

    @Override
    public String getScheme() {
        return scheme();
    }
}
