package dev.repoworker.api.deploy;

import java.util.List;
import java.util.Map;

/** A project's webhook subscribers as they are now; both are empty when the project is gone or has no webhooks. */
public interface Subscribers {

    /** Their URLs, from the project's settings: nothing is opened, so the sweeper can ask on every sweep. */
    List<String> urls(String projectId);

    /** URL → signing secret, opened from the project's sealed secrets: only to sign a webhook being sent. */
    Map<String, String> secrets(String projectId);
}
