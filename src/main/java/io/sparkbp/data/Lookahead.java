package io.sparkbp.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator that reads one element ahead: a subclass writes only {@link #fetch()}, and {@code hasNext}
 * and {@code next} are written once here. Null cannot be an element; after the first null, fetch is not
 * called again.
 */
public abstract class Lookahead<T> implements Iterator<T> {
    private T next;
    private boolean ended;

    /** The next element, or null at the end. */
    protected abstract T fetch();

    @Override
    public final boolean hasNext() {
        if (next == null && !ended) {
            next = fetch();
            ended = next == null;
        }
        return next != null;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T t = next;
        next = null;
        return t;
    }
}
