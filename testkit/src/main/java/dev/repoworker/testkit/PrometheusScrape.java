package dev.repoworker.testkit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text-format scrape as "name{labels}" → value, for asserting on /metrics. */
public final class PrometheusScrape {

    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*\\})? (\\S+)$");

    private final Map<String, Double> samples;

    private PrometheusScrape(Map<String, Double> samples) {
        this.samples = samples;
    }

    /** @throws IllegalArgumentException on a line that is neither blank, a comment, nor a sample */
    public static PrometheusScrape parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a Prometheus sample line: " + line);
            }
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return new PrometheusScrape(samples);
    }

    /** Every series as "name{labels}". */
    public java.util.Set<String> series() {
        return samples.keySet();
    }

    /** The sum of the series {@code name} whose labels contain every one of {@code labels} (e.g. {@code task="noop"}). */
    public double value(String name, String... labels) {
        return samples.entrySet().stream()
                .filter(e -> e.getKey().startsWith(name + "{") || e.getKey().equals(name))
                .filter(e -> List.of(labels).stream().allMatch(l -> e.getKey().contains(l)))
                .mapToDouble(Map.Entry::getValue)
                .sum();
    }
}
