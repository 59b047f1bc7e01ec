package dev.repoworker.worker.process;

/** Why a run ended without completing, as the metrics count it. */
enum Ending {
    CANCELLED("cancelled"),
    SHUTDOWN("shutdown"),
    TIMEOUT("timeout"),
    FAILED("failed");

    private final String metricLabel;

    Ending(String metricLabel) {
        this.metricLabel = metricLabel;
    }

    String metricLabel() {
        return metricLabel;
    }
}
