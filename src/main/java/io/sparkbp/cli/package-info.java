/**
 * The command line: {@code train}, {@code evaluate} and {@code predict}, configuration from
 * properties files and {@code key=value} overrides, and the mapping of failures to exit codes
 * (0 ok, 1 internal error, 2 usage or configuration, 3 data, 4 training failure).
 */
package io.sparkbp.cli;
