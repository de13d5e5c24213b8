/**
 * The one settings schema under both front ends: every key with its estimator param name, kind,
 * default and meaning ({@link io.sparkbp.settings.Schema}), the parsing and checking of values
 * ({@link io.sparkbp.settings.Kind}), and the typed plans the Spark layer runs, built from
 * validated values ({@link io.sparkbp.settings.Plans}). The command line ({@code cli}) and the
 * estimator ({@code ml}) each map their input onto these names and nothing else; neither imports the
 * other. Knows the Spark layer's plan types, never a front end.
 */
package io.sparkbp.settings;
