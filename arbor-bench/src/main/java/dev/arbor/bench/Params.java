package dev.arbor.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * Parameters of one benchmark process, parsed from {@code --key value} pairs.
 *
 * @param n        restarts to time (workload {@code restart}) or children to spawn ({@code spawnstop})
 * @param runs     measured runs, each printed with its run number
 * @param warmup   unreported runs before the measured ones (the storm warms up for one second each)
 * @param children children in the restart storm
 * @param seconds  length of one restart storm
 * @param messages messages sent through each variant (bare, supervised) in one run of workload {@code demo}
 */
public record Params(int n, int runs, int warmup, int children, double seconds, int messages) {

    public static Params parse(String[] args, int from) {
        Map<String, String> m = new HashMap<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value, got " + a);
            }
            m.put(a.substring(2), args[++i]);
        }
        return new Params(
                Integer.parseInt(m.getOrDefault("n", "100000")),
                Integer.parseInt(m.getOrDefault("runs", "5")),
                Integer.parseInt(m.getOrDefault("warmup", "1")),
                Integer.parseInt(m.getOrDefault("children", "1000")),
                Double.parseDouble(m.getOrDefault("seconds", "10")),
                Integer.parseInt(m.getOrDefault("messages", "2000000")));
    }

    public Params withSeconds(double s) {
        return new Params(n, runs, warmup, children, s, messages);
    }
}
