package dev.repoworker.worker.process;

import java.time.Instant;

/** A final callback on its way: its signed body goes to {@code url} until delivered, refused, or {@code giveUpAt}. */
record FinalCallback(String url, String body, String jobId, String attempt, Delivery delivery, Instant giveUpAt) {}
