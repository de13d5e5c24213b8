package io.sparkbp.ml;

import scala.runtime.AbstractFunction1;

import java.io.Serializable;

/**
 * Param validators ({@code isValid} functions of Spark's {@code Param}s), serializable because the
 * params are. The training params' validators are their settings' parsers ({@link ParamDefs}).
 */
final class ParamChecks {
    private ParamChecks() {
    }

    /** A serializable test of one value. */
    @FunctionalInterface
    interface Test<T> extends Serializable {
        boolean ok(T value);
    }

    /** Adapts a {@link Test} to the {@code T => Boolean} Spark expects. */
    static final class Check<T> extends AbstractFunction1<T, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Test<T> test;

        Check(Test<T> test) {
            this.test = test;
        }

        @Override
        public Object apply(T value) {
            return value != null && test.ok(value);
        }
    }
}
