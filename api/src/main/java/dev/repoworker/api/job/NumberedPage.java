package dev.repoworker.api.job;

import java.util.List;

/**
 * Page {@code page} (from 1) of at most {@code limit} jobs, newest first, and how many jobs match the filters in
 * all: the original API's page-based listing. A page past the end has no jobs and the true total.
 */
public record NumberedPage(List<Job> jobs, long total, int page, int limit) {

    public NumberedPage {
        jobs = List.copyOf(jobs);
    }

    /** How many pages of {@code limit} jobs the matching jobs fill; 0 when none match. */
    public long pages() {
        return (total + limit - 1) / limit;
    }
}
