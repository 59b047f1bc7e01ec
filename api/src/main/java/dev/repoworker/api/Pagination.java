package dev.repoworker.api;

/** Where a page-numbered listing stands: {@code pages} of {@code limit} items hold the {@code total} (0 when none). */
record Pagination(long total, int page, int limit, long pages) {

    Pagination(long total, int page, int limit) {
        this(total, page, limit, (total + limit - 1) / limit);
    }
}
