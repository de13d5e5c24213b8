/**
 * Training and evaluation reports: self-contained HTML pages (inline CSS and SVG charts, no scripts,
 * nothing loaded from the network) built from plain data, so this package knows nothing of Spark.
 * Every string is escaped, numbers are formatted one way ({@link io.sparkbp.report.Figures}), and the
 * same data always give the same bytes.
 */
package io.sparkbp.report;
