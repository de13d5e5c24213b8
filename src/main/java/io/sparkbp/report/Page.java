package io.sparkbp.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parts every report page shares: the document head with its inline style sheet and a content
 * security policy that forbids loading anything (no scripts, fonts, images or style sheets from
 * anywhere), the header, summary cards, key/value and metric tables, notes and the footer.
 */
final class Page {
    private Page() {
    }

    /** Colours: training blue, validation orange, test green (the usual matplotlib ones). */
    private static final String CSS = String.join("\n",
            ":root{color-scheme:light}",
            "body{margin:0;background:#f6f7f9;color:#1d2330;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}",
            "main{max-width:1240px;margin:0 auto;padding:20px 24px 32px}",
            "h1{font-size:23px;margin:4px 0 2px}",
            "h2{font-size:17px;margin:0 0 10px}",
            "h3{font-size:14px;margin:0 0 4px}",
            ".sub{color:#4a5263;margin:0;overflow-wrap:anywhere}",
            "section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:14px 18px;margin:14px 0}",
            ".cards{display:flex;flex-wrap:wrap;gap:10px}",
            ".card{border:1px solid #e2e5ea;border-radius:6px;padding:7px 14px;min-width:150px}",
            ".card .k{color:#5b6475;font-size:12px}",
            ".card .v{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}",
            ".card .d{color:#5b6475;font-size:12px}",
            "ul.notes{margin:10px 0 0;padding-left:20px}",
            ".charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:14px 22px}",
            "@media (max-width:900px){.charts{grid-template-columns:minmax(0,1fr)}}",
            "figure{margin:0}",
            "figcaption{color:#4a5263;font-size:12px;margin-top:2px}",
            "svg.chart{display:block;width:100%;height:auto;font-size:12px}",
            "svg.chart text{fill:#394150}",
            "svg.chart .ytick{text-anchor:end}",
            "svg.chart .xtick,svg.chart .xlabel,svg.chart .ylabel,svg.chart .empty{text-anchor:middle}",
            "svg.chart .xlabel,svg.chart .ylabel{font-size:12.5px;fill:#1d2330}",
            "svg.chart .empty{fill:#8a93a3}",
            "svg.chart .grid{stroke:#eceef2;stroke-width:1}",
            "svg.chart .tick{stroke:#9aa2b0;stroke-width:1}",
            "svg.chart .frame{fill:none;stroke:#b9c0cc;stroke-width:1}",
            "svg.chart .line{fill:none;stroke-width:1.8;stroke-linejoin:round}",
            "svg.chart .dot{stroke:none}",
            "svg.chart .marker{stroke-width:1.2;stroke-dasharray:5 4}",
            "svg.chart text.mlabel{font-size:11.5px;stroke:#fff;stroke-width:3px;stroke-linejoin:round;paint-order:stroke fill}",
            ".s-train{stroke:#1f77b4;fill:#1f77b4}",
            ".s-val{stroke:#ff7f0e;fill:#ff7f0e}",
            ".s-test{stroke:#2ca02c;fill:#2ca02c}",
            ".s-rate{stroke:#7b3fbf;fill:#7b3fbf}",
            ".s-lr{stroke:#8c564b;fill:#8c564b}",
            "svg.chart line.m-best{stroke:#5b6475}",
            "svg.chart text.m-best{fill:#394150}",
            "svg.chart line.m-stop{stroke:#d62728}",
            "svg.chart text.m-stop{fill:#b01f20}",
            "table{border-collapse:collapse;font-variant-numeric:tabular-nums}",
            "th,td{padding:3px 10px;border-bottom:1px solid #edf0f3;text-align:left;vertical-align:top}",
            "th{font-weight:600;color:#394150;background:#f8f9fb}",
            "td.n,th.n{text-align:right;white-space:nowrap}",
            "td.path{overflow-wrap:anywhere;max-width:520px}",
            "tr.best td{background:#fff6e0}",
            "tr.dflt td{color:#7a8392}",
            "code,td.key{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace;font-size:12.5px}",
            "td.val{overflow-wrap:anywhere;max-width:640px}",
            ".scroll{overflow-x:auto}",
            "details summary{cursor:pointer;color:#2a5db0;margin-bottom:6px}",
            "table.cm td.cell{text-align:right;min-width:34px;border:1px solid #fff}",
            "table.cm td.hi{color:#fff}",
            "table.cm td.zero{color:#b4bac5}",
            "table.cm th.axis{background:none;color:#5b6475;font-weight:normal;text-align:center}",
            "table.cm.small td,table.cm.small th{padding:1px 3px;font-size:11px;min-width:0}",
            "p.caption{color:#4a5263;font-size:12px;margin:6px 0 0}",
            "footer{color:#7a8392;font-size:12px;margin-top:18px}",
            "@media print{body{background:#fff}section{break-inside:avoid;border-color:#ccc}details{display:block}}");

    /** Opens the document and writes the header; returns the writer positioned inside {@code <main>}. */
    static Html begin(String documentTitle, String heading, String subtitle) {
        Html h = new Html();
        h.raw("<!DOCTYPE html>").nl();
        h.open("html", "lang", "en").nl();
        h.open("head").nl();
        h.leaf("meta", "charset", "utf-8").nl();
        h.leaf("meta", "http-equiv", "Content-Security-Policy",
                "content", "default-src 'none'; style-src 'unsafe-inline'; img-src data:").nl();
        h.leaf("meta", "name", "viewport", "content", "width=device-width, initial-scale=1").nl();
        h.leaf("meta", "name", "generator", "content", "sparkbp").nl();
        h.el("title", documentTitle).nl();
        h.open("style").raw(CSS).close("style").nl();
        h.close("head").nl();
        h.open("body").open("main").nl();
        h.open("header").el("h1", heading).el("p", subtitle, "class", "sub").close("header").nl();
        return h;
    }

    /** Writes the footer and closes the document. */
    static String end(Html h, String what) {
        h.el("footer", what + " Self-contained: this page loads no scripts, fonts, images or style sheets.").nl();
        h.close("main").close("body").nl().close("html").nl();
        return h.toString();
    }

    static void openSection(Html h, String id, String title) {
        h.open("section", "id", id).el("h2", title).nl();
    }

    static void closeSection(Html h) {
        h.close("section").nl();
    }

    /** A summary card: label, value, optional detail line. */
    record Card(String label, String value, String detail) {
    }

    static void cards(Html h, List<Card> cards) {
        h.open("div", "class", "cards");
        for (Card c : cards) {
            h.open("div", "class", "card").el("div", c.label, "class", "k").el("div", c.value, "class", "v");
            if (c.detail != null && !c.detail.isEmpty()) {
                h.el("div", c.detail, "class", "d");
            }
            h.close("div");
        }
        h.close("div").nl();
    }

    static void notes(Html h, List<String> notes) {
        if (notes.isEmpty()) {
            return;
        }
        h.open("ul", "class", "notes");
        for (String n : notes) {
            h.el("li", n);
        }
        h.close("ul").nl();
    }

    /** A two-column table of names and values, as given. */
    static void keyValues(Html h, String id, Map<String, String> rows) {
        h.open("table", "id", id).open("tbody");
        for (Map.Entry<String, String> e : rows.entrySet()) {
            h.open("tr").el("th", e.getKey()).el("td", e.getValue(), "class", "val").close("tr");
        }
        h.close("tbody").close("table").nl();
    }

    /**
     * A table with one row per entry of {@code rows} (its label, then its metrics) and one column per
     * metric name seen in any row; a metric a row does not have is shown as a dash.
     */
    static void metricsTable(Html h, String id, String firstColumn, Map<String, Map<String, Double>> rows) {
        List<String> names = new ArrayList<>();
        for (Map<String, Double> m : rows.values()) {
            for (String k : m.keySet()) {
                if (!names.contains(k)) {
                    names.add(k);
                }
            }
        }
        h.open("div", "class", "scroll").open("table", "id", id).open("thead").open("tr").el("th", firstColumn);
        for (String n : names) {
            h.el("th", n, "class", "n");
        }
        h.close("tr").close("thead").open("tbody");
        for (Map.Entry<String, Map<String, Double>> row : rows.entrySet()) {
            h.open("tr").el("th", row.getKey());
            for (String n : names) {
                Double v = row.getValue().get(n);
                h.el("td", v == null ? "\u2013" : Figures.metric(n, v), "class", "n", "data-metric", n);
            }
            h.close("tr");
        }
        h.close("tbody").close("table").close("div").nl();
    }
}
