package io.sparkbp.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layering of the README's code map, checked on the main sources: a package refers (by import or
 * by a qualified name in code) only to packages of a lower rank. The two front ends share a rank, so
 * neither refers to the other; so do {@code onnx} and {@code report}.
 */
class LayeringTest {
    private static final Path MAIN = Path.of("src/main/java/io/sparkbp");
    private static final Map<String, Integer> RANK = Map.ofEntries(
            Map.entry("math", 0), Map.entry("nn", 1), Map.entry("optim", 2), Map.entry("data", 3),
            Map.entry("model", 4), Map.entry("onnx", 5), Map.entry("report", 5), Map.entry("spark", 6),
            Map.entry("settings", 7), Map.entry("cli", 8), Map.entry("ml", 8));
    private static final Pattern REF = Pattern.compile("\\bio\\.sparkbp\\.([a-z]+)\\.");

    @Test
    void everyPackageHasARank() throws IOException {
        TreeSet<String> packages = new TreeSet<>();
        try (Stream<Path> s = Files.list(MAIN)) {
            s.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
        }
        assertEquals(new TreeSet<>(RANK.keySet()), packages, "a new package needs its place in the code map");
    }

    @Test
    void arrowsOnlyPointDown() throws IOException {
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> s = Files.walk(MAIN)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                String from = MAIN.relativize(f).getName(0).toString();
                for (String to : references(f)) {
                    if (!to.equals(from) && RANK.containsKey(to) && RANK.get(to) >= RANK.get(from)) {
                        wrong.add(MAIN.relativize(f) + " -> " + to);
                    }
                }
            }
        }
        assertTrue(wrong.isEmpty(), "arrows against the layering: " + wrong);
    }

    /** The packages {@code f} refers to on its lines of code (comment lines skipped). */
    private static TreeSet<String> references(Path f) throws IOException {
        TreeSet<String> to = new TreeSet<>();
        for (String line : Files.readAllLines(f)) {
            String t = line.strip();
            if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) {
                continue;
            }
            Matcher m = REF.matcher(t);
            while (m.find()) {
                to.add(m.group(1));
            }
        }
        return to;
    }
}
