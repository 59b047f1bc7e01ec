package dev.repoworker.api.deploy;

import java.util.Map;

/** A project's webhook subscribers as they are now: URL → signing secret (opened from the project's sealed secrets). */
@FunctionalInterface
public interface Subscribers {

    /** Empty when the project is gone or has no webhooks. */
    Map<String, String> of(String projectId);
}
