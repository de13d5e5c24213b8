package io.sparkbp.spark;

import io.sparkbp.data.DataException;
import io.sparkbp.data.ExampleRow;
import io.sparkbp.data.Lookahead;
import io.sparkbp.data.ParsedExample;

import java.io.Serializable;
import java.util.Iterator;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/**
 * A partition's partial result, or the data error that stopped it: what a pass over examples that
 * may end in a {@linkplain ParsedExample#failed failed example} returns instead of failing its Spark
 * task (a failed task makes Spark log the error with its stack trace, twice, before the driver can
 * say it in one sentence). Merged in partition order, the first failed partition's error wins, and
 * the driver throws it from {@link #get()}.
 */
final class Partial<U> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final U value;
    private final DataException failure;

    private Partial(U value, DataException failure) {
        this.value = value;
        this.failure = failure;
    }

    /** A partition's result {@code value}. */
    static <U> Partial<U> of(U value) {
        return new Partial<>(value, null);
    }

    /** The partial of a partition stopped by {@code failure}. */
    static <U> Partial<U> failed(DataException failure) {
        return new Partial<>(null, failure);
    }

    /** The merged value; throws the data error when a partition failed. */
    U get() {
        if (failure != null) {
            throw failure;
        }
        return value;
    }

    /**
     * Adds example {@code e} to {@code acc} (null for none yet: it starts from {@code zero}) with
     * {@code add}, which may update its first argument in place; a failed example or an already
     * failed {@code acc} gives the failed partial.
     */
    static <U> Partial<U> add(Partial<U> acc, ParsedExample e, Supplier<U> zero, BiFunction<U, ParsedExample, U> add) {
        if (acc != null && acc.failure != null) {
            return acc;
        }
        if (e.failure() != null) {
            return new Partial<>(null, e.failure());
        }
        U v = add.apply(acc == null ? zero.get() : acc.value, e);
        return acc != null && v == acc.value ? acc : new Partial<>(v, null);
    }

    /** {@code a} then {@code b} (in partition order): the first failure, or the values merged by {@code merge}. */
    static <U> Partial<U> merge(Partial<U> a, Partial<U> b, BinaryOperator<U> merge) {
        if (a.failure != null) {
            return a;
        }
        if (b.failure != null) {
            return b;
        }
        U v = merge.apply(a.value, b.value);
        return v == a.value ? a : new Partial<>(v, null);
    }

    /** The examples of a partition up to its first failed one, whose error it then holds. */
    static final class UntilFailure extends Lookahead<ParsedExample> implements ExampleRows {
        private final Iterator<ParsedExample> examples;
        private DataException failure;

        UntilFailure(Iterator<ParsedExample> examples) {
            this.examples = examples;
        }

        /** The error of the failed example that ended the examples, or null (so far). */
        @Override
        public DataException failure() {
            return failure;
        }

        /** The next example copied into {@code row}. */
        @Override
        public boolean next(ExampleRow row) {
            if (!hasNext()) {
                return false;
            }
            row.set(next());
            return true;
        }

        @Override
        protected ParsedExample fetch() {
            if (failure != null || !examples.hasNext()) {
                return null;
            }
            ParsedExample e = examples.next();
            failure = e.failure();
            return failure == null ? e : null;
        }
    }
}
