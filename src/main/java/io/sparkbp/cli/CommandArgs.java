package io.sparkbp.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parsed {@code --option value} pairs, {@code key=value} settings and {@code --help} of one command. */
record CommandArgs(Map<String, String> options, Config config, boolean help) {

    String option(String name) {
        return options.get(name);
    }

    /** Parses {@code args}; every name in {@code required} must be given, names in {@code optional} may be. */
    static CommandArgs parse(String command, String[] args, String[] required, String[] optional) {
        Map<String, String> opts = new LinkedHashMap<>();
        Config config = new Config();
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                return new CommandArgs(opts, config, true);
            }
            if (a.startsWith("--")) {
                if (!contains(required, a) && !contains(optional, a)) {
                    throw new UsageException("unknown option '" + a + "' for " + command + " (see " + command + " --help)");
                }
                if (i + 1 >= args.length) {
                    throw new UsageException(a + " needs a value");
                }
                String first = opts.putIfAbsent(a, args[++i]);
                if (first != null) {
                    throw new UsageException(a + " is given twice (" + first + " and " + args[i] + "); keep one");
                }
            } else {
                overrides.add(a);
            }
        }
        overrides.forEach(config::override);
        for (String r : required) {
            if (!opts.containsKey(r)) {
                throw new UsageException(command + " needs " + r + " (see " + command + " --help)");
            }
        }
        return new CommandArgs(opts, config, false);
    }

    private static boolean contains(String[] names, String a) {
        for (String n : names) {
            if (n.equals(a)) {
                return true;
            }
        }
        return false;
    }
}
