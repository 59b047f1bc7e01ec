package dev.repoworker.api.observe;

import dev.repoworker.api.job.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Throughput and durations of the jobs that finished in a recent window, computed by SQL from the {@code jobs}
 * table, so every API replica on one database gives the same answer.
 *
 * <p>Percentiles are nearest-rank (the value at rank {@code ceil(p * n)} of the task's durations in order), picked
 * in SQL with {@code ROW_NUMBER()} and {@code COUNT(*) OVER}: window functions and integer arithmetic are the same
 * on SQLite and PostgreSQL, where {@code percentile_cont} is PostgreSQL's only, and no duration list reaches Java.
 */
public final class JobStats {

    /** The longest window asked for: a day of one-minute buckets. */
    public static final Duration MAX_WINDOW = Duration.ofHours(24);

    private static final long MINUTE_MS = 60_000;

    private static final String THROUGHPUT = """
            SELECT completed_at / 60000 AS minute, status, COUNT(*) AS n FROM jobs
            WHERE completed_at >= :from AND completed_at < :until AND status IN ('completed', 'failed', 'cancelled')
            GROUP BY completed_at / 60000, status""";

    private static final String PERCENTILES = """
            SELECT task, duration_ms, rn, n FROM (
                SELECT task, duration_ms,
                       ROW_NUMBER() OVER (PARTITION BY task ORDER BY duration_ms, id) AS rn,
                       COUNT(*) OVER (PARTITION BY task) AS n
                FROM jobs
                WHERE status = 'completed' AND duration_ms IS NOT NULL AND completed_at >= :from AND completed_at < :until
            ) ranked
            WHERE rn = (50 * n + 99) / 100 OR rn = (95 * n + 99) / 100
            ORDER BY task, rn""";

    private final Database database;
    private final Clock clock;

    public JobStats(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Jobs finished in one minute (starting at {@code minute}), by outcome. */
    public record Minute(Instant minute, long completed, long failed, long cancelled) {}

    /** The p50 and p95 duration of the completed jobs of one task (those whose Worker reported a duration). */
    public record TaskDurations(String task, long count, long p50Ms, long p95Ms) {}

    /** One minute per bucket, oldest first, the last being the current minute; minutes with no jobs are zeros. */
    public record Stats(
            String window,
            Instant from,
            Instant until,
            int bucketSeconds,
            List<Minute> throughput,
            List<TaskDurations> durations) {}

    /** The stats of the last {@code minutes} minutes, the current one included. */
    public Stats last(int minutes, String window) {
        if (minutes < 1 || minutes > MAX_WINDOW.toMinutes()) {
            throw new IllegalArgumentException("minutes must be 1 to " + MAX_WINDOW.toMinutes());
        }
        long currentMinute = clock.instant().truncatedTo(ChronoUnit.MINUTES).toEpochMilli() / MINUTE_MS;
        long first = currentMinute - minutes + 1;
        long from = first * MINUTE_MS;
        long until = (currentMinute + 1) * MINUTE_MS;
        return database.jdbi().withHandle(h -> {
            long[][] counts = new long[minutes][3];
            h.createQuery(THROUGHPUT)
                    .bind("from", from)
                    .bind("until", until)
                    .map((rs, ctx) -> new Finished(rs.getLong("minute"), rs.getString("status"), rs.getLong("n")))
                    .forEach(f -> counts[(int) (f.minute() - first)][f.outcome()] = f.count());
            List<Minute> throughput = new ArrayList<>(minutes);
            for (int i = 0; i < minutes; i++) {
                throughput.add(new Minute(
                        Instant.ofEpochMilli((first + i) * MINUTE_MS), counts[i][0], counts[i][1], counts[i][2]));
            }
            Map<String, TaskDurations> durations = new LinkedHashMap<>();
            h.createQuery(PERCENTILES)
                    .bind("from", from)
                    .bind("until", until)
                    .map((rs, ctx) -> new Ranked(
                            rs.getString("task"), rs.getLong("duration_ms"), rs.getLong("rn"), rs.getLong("n")))
                    .forEach(r -> durations.merge(r.task(), r.asDurations(), JobStats::merged));
            return new Stats(
                    window,
                    Instant.ofEpochMilli(from),
                    Instant.ofEpochMilli(until),
                    60,
                    throughput,
                    List.copyOf(durations.values()));
        });
    }

    /** The p50 row and the p95 row of one task as one (they are one row when both ranks are the same). */
    private static TaskDurations merged(TaskDurations a, TaskDurations b) {
        return new TaskDurations(
                a.task(), a.count(), a.p50Ms() >= 0 ? a.p50Ms() : b.p50Ms(), a.p95Ms() >= 0 ? a.p95Ms() : b.p95Ms());
    }

    /** One row of the throughput query: how many jobs ended one way in one minute (epoch minutes). */
    private record Finished(long minute, String status, long count) {

        /** The column of {@code counts}: completed, failed, cancelled. */
        int outcome() {
            return switch (status) {
                case "completed" -> 0;
                case "failed" -> 1;
                default -> 2;
            };
        }
    }

    /** One row of the percentile query: a duration, its rank among its task's, and how many the task has. */
    private record Ranked(String task, long durationMs, long rank, long count) {

        TaskDurations asDurations() {
            return new TaskDurations(
                    task,
                    count,
                    rank == nearestRank(50, count) ? durationMs : -1,
                    rank == nearestRank(95, count) ? durationMs : -1);
        }

        private static long nearestRank(int percent, long count) {
            return (percent * count + 99) / 100;
        }
    }
}
