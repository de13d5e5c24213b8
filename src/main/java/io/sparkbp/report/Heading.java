package io.sparkbp.report;

/**
 * What a report page is about and when it was written, shown in its title and subtitle.
 *
 * @param title   what the run produced or what was evaluated, e.g. the model path
 * @param written when the report was written, as the caller wants it shown (may be empty)
 */
public record Heading(String title, String written) {
}
