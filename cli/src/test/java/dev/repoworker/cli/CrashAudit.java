package dev.repoworker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.cli.SubmissionBurst.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a store kept of what it acknowledged before a {@code kill -9}: every job answered 202 must be there and
 * final, and every final outcome it acknowledged (shown to a reader, or answered 2xx to the Worker's callback)
 * must still be the job's one final outcome.
 */
final class CrashAudit {

    /**
     * @param lost            the lost jobs, each with what became of it
     * @param outcomes        the final outcomes acknowledged before the kill, per job
     * @param outcomesKept    of those jobs, how many are final with that very outcome
     * @param outcomesLost    jobs whose acknowledged outcome is gone: the job is missing or not final
     * @param outcomesChanged jobs final with another outcome than the acknowledged one: what was acknowledged, what is there
     */
    record Findings(
            FaultCluster.Tally tally,
            Map<String, String> lost,
            int outcomes,
            int outcomesKept,
            List<String> outcomesLost,
            Map<String, String> outcomesChanged) {}

    private CrashAudit() {}

    /**
     * @param acknowledged the ids answered 202 before the kill
     * @param outcomes     per job, every final outcome acknowledged before the kill (more than one is a duplicate)
     * @param after        the project's jobs once the restarted API settled, by id
     * @param transitions  per job, how many terminal transitions its events record
     */
    static Findings audit(
            String scenario,
            List<String> acknowledged,
            Map<String, Set<Outcome>> outcomes,
            Map<String, JsonNode> after,
            Map<String, Integer> transitions) {
        Map<String, String> lost = new LinkedHashMap<>();
        Set<String> duplicated = new LinkedHashSet<>();
        for (String id : acknowledged) {
            if (!after.containsKey(id)) {
                lost.put(id, "answered 202, missing after the restart");
            }
        }
        after.values().stream()
                .filter(job -> !EmbeddedNode.isFinal(job))
                .forEach(job -> lost.put(
                        job.path("id").asText(),
                        "still " + job.path("status").asText() + " (attempt "
                                + job.path("attempt").asInt() + ")"
                                + (acknowledged.contains(job.path("id").asText()) ? "" : ", never answered 202")));
        transitions.forEach((id, count) -> {
            if (count > 1) {
                duplicated.add(id);
            }
        });
        List<String> outcomesLost = new ArrayList<>();
        Map<String, String> changed = new LinkedHashMap<>();
        outcomes.forEach((id, acknowledgedOutcomes) -> {
            JsonNode job = after.get(id);
            if (job == null || !EmbeddedNode.isFinal(job)) {
                outcomesLost.add(id);
                lost.merge(id, "acknowledged " + acknowledgedOutcomes, (was, more) -> was + "; " + more);
                return;
            }
            Outcome now = Outcome.ofJob(job);
            if (acknowledgedOutcomes.size() > 1 || !acknowledgedOutcomes.contains(now)) {
                changed.put(id, "acknowledged " + acknowledgedOutcomes + ", now " + now);
                duplicated.add(id);
            }
        });
        long completed = after.values().stream()
                .filter(job -> job.path("status").asText().equals("completed"))
                .count();
        long failed = after.values().stream()
                .filter(job -> job.path("status").asText().equals("failed"))
                .count();
        FaultCluster.Tally tally = new FaultCluster.Tally(
                scenario, acknowledged.size(), completed, failed, List.copyOf(lost.keySet()), List.copyOf(duplicated));
        return new Findings(
                tally,
                lost,
                outcomes.size(),
                outcomes.size() - outcomesLost.size() - changed.size(),
                outcomesLost,
                changed);
    }

    /** Terminal transitions in a job's events: final callbacks applied, and failures decided by the API. */
    static int terminalTransitions(JsonNode job) {
        int count = 0;
        for (JsonNode event : job.path("events")) {
            String type = event.path("type").asText();
            String message = event.path("message").asText();
            if (type.equals("failed")
                    || type.equals("callback") && (message.equals("completed") || message.startsWith("failed"))) {
                count++;
            }
        }
        return count;
    }
}
