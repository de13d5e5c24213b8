package io.sparkbp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkbp.cli.Main;
import io.sparkbp.math.Blas;
import io.sparkbp.spark.SparkDefaults;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The sparkbp side of {@code bench.sh defaults}: trains every data set of a {@code defaults.py prepare}
 * folder with the command line's {@code train}, given only the data description (train file, format,
 * output kind and count) and the set's hidden sizes, then {@code evaluate}s the model on the set's test
 * file; all in this JVM on one {@code local[2]} context. Appends one JSON line per run: the set, the
 * test metric, the training command's wall time, the epochs run, the kept epoch and why it stopped.
 *
 * <pre>DefaultsBench DATA_DIR OUT_JSONL [--plan PLAN_FILE] [set ...]</pre>
 *
 * A plan (for tuning the defaults, not for the benchmark's table) lists other settings to try: lines
 * {@code name<TAB>key=value ...} ({@code name@SET} runs only on that set); without one, each set is trained
 * once with the defaults.
 */
public final class DefaultsBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DefaultsBench() {
    }

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args[0]);
        Path out = Path.of(args[1]);
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(2, args.length));
        List<String[]> plan = List.<String[]>of(new String[] {"defaults", ""});
        int p = rest.indexOf("--plan");
        if (p >= 0) {
            plan = readPlan(Path.of(rest.get(p + 1)));
            rest.subList(p, p + 2).clear();
        }
        Configurator.setRootLevel(Level.WARN);
        SparkConf conf = SparkDefaults.apply(new SparkConf().setMaster("local[2]").setAppName("sparkbp defaults")
                .set("spark.ui.enabled", "false"));
        System.out.println("BLAS " + Blas.implementation() + (Blas.isNative() ? " (native)" : " (pure Java)"));
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            List<Path> sets;
            try (var s = Files.list(data)) {
                sets = s.filter(d -> Files.exists(d.resolve("meta.json"))).sorted().toList();
            }
            for (Path set : sets) {
                if (!rest.isEmpty() && !rest.contains(set.getFileName().toString())) {
                    continue;
                }
                for (String[] config : plan) {
                    int at = config[0].indexOf('@');
                    if (at >= 0 && !config[0].substring(at + 1).equals(set.getFileName().toString())) {
                        continue;
                    }
                    String line = run(set, config);
                    Files.writeString(out, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                    System.out.println(line);
                }
            }
        }
    }

    static List<String[]> readPlan(Path file) throws IOException {
        List<String[]> plan = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            int tab = l.indexOf('\t');
            plan.add(new String[] {tab < 0 ? l : l.substring(0, tab), tab < 0 ? "" : l.substring(tab + 1)});
        }
        return plan;
    }

    /** Captured output of one command. */
    private record Ran(int code, String text, double seconds) {
    }

    private static Ran main(List<String> args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        long start = System.nanoTime();
        int code = Main.run(args.toArray(new String[0]), ps, ps);
        return new Ran(code, buf.toString(StandardCharsets.UTF_8), (System.nanoTime() - start) / 1e9);
    }

    static String run(Path set, String[] config) throws IOException {
        JsonNode meta = JSON.readTree(set.resolve("meta.json").toFile());
        Path model = Files.createTempFile("sparkbp-defaults", ".json");
        Files.delete(model);
        List<String> a = new ArrayList<>(List.of("train", "data.train=" + set.resolve("train.csv"), "data.format=csv",
                "model.output=" + meta.get("output").asText(), "model.outputs=" + meta.get("outputs").asInt(),
                "model.hidden=" + hidden(meta), "output.model=" + model));
        for (String kv : config[1].trim().split("\\s+")) {
            if (!kv.isEmpty()) {
                a.add(kv.replace("=TEST", "=" + set.resolve("test.csv")));
            }
        }
        Ran train = main(a);
        if (System.getenv("DEFAULTS_LOG") != null) {
            Files.writeString(Path.of(System.getenv("DEFAULTS_LOG")), set.getFileName() + " " + config[0] + "\n"
                    + train.text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "{\"set\":%s,\"config\":%s,\"exit\":%d,\"seconds\":%.2f",
                JSON.writeValueAsString(set.getFileName().toString()), JSON.writeValueAsString(config[0]), train.code,
                train.seconds));
        if (train.code == 0) {
            JsonNode m = JSON.readTree(model.toFile());
            Ran eval = main(List.of("evaluate", "--model", model.toString(), "--data", set.resolve("test.csv").toString(),
                    "data.format=csv"));
            Files.deleteIfExists(model);
            if (eval.code != 0) {
                throw new IOException("evaluate failed on " + set + ":\n" + eval.text);
            }
            String[] lines = eval.text.strip().split("\\n");
            JsonNode test = JSON.readTree(lines[lines.length - 1]);
            String metric = metric(meta);
            JsonNode t = m.path("training");
            sb.append(String.format(Locale.ROOT, ",\"metric\":\"%s\",\"value\":%s,\"epochs\":%d,\"bestEpoch\":%d",
                    metric, test.path(metric).asText(), t.path("epochs").asInt(), t.path("bestEpoch").asInt()));
            sb.append(",\"stop\":").append(JSON.writeValueAsString(t.path("stopReason").asText()));
            sb.append(",\"trainingSeconds\":").append(t.path("seconds").asDouble());
        } else {
            String text = train.text;
            sb.append(",\"error\":").append(JSON.writeValueAsString(text.length() > 2000 ? text.substring(text.length() - 2000) : text));
        }
        return sb.append('}').toString();
    }

    static String metric(JsonNode meta) {
        return switch (meta.get("task").asText()) {
            case "reg" -> "r2";
            case "multilabel" -> "hammingAccuracy";
            default -> "accuracy";
        };
    }

    static String hidden(JsonNode meta) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode h : meta.get("hidden")) {
            sb.append(sb.length() > 0 ? "," : "").append(h.asInt());
        }
        return sb.toString();
    }
}
