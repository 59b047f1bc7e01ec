package dev.repoworker.api.observe;

import dev.repoworker.api.job.Database;
import dev.repoworker.api.job.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many jobs are in each state, counted in the database (so it is right with several API
 * replicas) and cached for {@code maxAge}, so a scrape costs at most one query.
 */
public final class JobStateCounts implements Supplier<Map<JobStatus, Long>> {

    private static final Logger LOG = LoggerFactory.getLogger(JobStateCounts.class);

    private final Database database;
    private final Clock clock;
    private final Duration maxAge;
    private Map<JobStatus, Long> cached = Map.of();
    private Instant fetchedAt = Instant.MIN;

    public JobStateCounts(Database database, Clock clock, Duration maxAge) {
        this.database = database;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    @Override
    public synchronized Map<JobStatus, Long> get() {
        Instant now = clock.instant();
        if (fetchedAt.plus(maxAge).isAfter(now)) {
            return cached;
        }
        try {
            Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
            database.jdbi()
                    .useHandle(h -> h.createQuery("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status")
                            .map((rs, ctx) -> Map.entry(rs.getString("status"), rs.getLong("n")))
                            .forEach(e -> JobStatus.fromWire(e.getKey()).ifPresent(s -> counts.put(s, e.getValue()))));
            cached = counts;
        } catch (RuntimeException e) {
            LOG.warn("cannot count jobs by state: {}", e.toString());
        }
        fetchedAt = now;
        return cached;
    }
}
