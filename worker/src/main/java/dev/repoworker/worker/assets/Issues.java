package dev.repoworker.worker.assets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Thread-safe collector of build issues; {@link #sorted()} gives a deterministic, de-duplicated list. */
public final class Issues {

    private final List<Issue> issues = new ArrayList<>();

    public synchronized void add(String kind, String file, int line, String message) {
        issues.add(new Issue(kind, file == null ? "" : file, Math.max(0, line), message));
    }

    public synchronized List<Issue> sorted() {
        return issues.stream().distinct().sorted().toList();
    }

    public Map<String, Integer> countsByKind() {
        Map<String, Integer> counts = new TreeMap<>();
        sorted().forEach(i -> counts.merge(i.kind(), 1, Integer::sum));
        return counts;
    }
}
