package dev.repoworker.api.job;

import java.util.Locale;

/** Who runs a job's current attempt. */
public enum Runner {
    WORKER,
    FALLBACK,
    SIMULATED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Runner fromWire(String name) {
        return name == null ? null : valueOf(name.toUpperCase(Locale.ROOT));
    }
}
