package dev.repoworker.cli;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.cli.SubmissionBurst.Outcome;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scenario 6 of the fault harness, on the embedded default store (no PostgreSQL): client threads submit {@code noop}
 * jobs while a reader lists the final ones; the process holding the store is killed (SIGKILL) in the middle of the
 * burst, started again on the same {@code DATA_DIR}, and left to settle. With a separate Worker, every final callback
 * it saw answered 2xx (before the kill, and after the restart) is an acknowledged outcome too.
 */
final class KillMidBurst {

    private static final int SUBMITTERS = 4;
    private static final int ACKNOWLEDGED_BEFORE_KILL = 200;
    private static final int FINAL_BEFORE_KILL = 50;

    /** The audit, and one line on how the kill went. */
    record Result(CrashAudit.Findings findings, String detail) {}

    private KillMidBurst() {}

    static Result run(EmbeddedNode node, String label) throws Exception {
        String project = "scenario-" + label;
        try (node) {
            node.start();
            SubmissionBurst burst = new SubmissionBurst(node, project, SUBMITTERS, label.hashCode());
            burst.start();
            try {
                await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> burst.acknowledged().size() >= ACKNOWLEDGED_BEFORE_KILL
                                && burst.seenFinal().size() >= FINAL_BEFORE_KILL);
                node.killStore();
            } finally {
                burst.stop();
            }
            List<String> acknowledged = burst.acknowledged();
            Map<String, Set<Outcome>> outcomes = new HashMap<>();
            burst.seenFinal()
                    .forEach((id, outcome) ->
                            outcomes.computeIfAbsent(id, k -> new HashSet<>()).add(outcome));
            // the store is dead: a callback the Worker saw answered 2xx now was answered before the kill
            int answered2xx = node.hasSeparateWorker() ? addCallbacksAnswered2xx(node, acknowledged, outcomes) : 0;
            int beforeKill = outcomes.size();

            node.start();
            node.awaitSettled(project, Duration.ofSeconds(90));
            if (node.hasSeparateWorker()) {
                addCallbacksAnswered2xx(node, acknowledged, outcomes);
            }
            Map<String, JsonNode> after = node.jobs(project, null);
            Map<String, Integer> transitions = new HashMap<>();
            for (String id : after.keySet()) {
                transitions.put(id, CrashAudit.terminalTransitions(node.job(id)));
            }
            CrashAudit.Findings findings = CrashAudit.audit(label, acknowledged, outcomes, after, transitions);
            String detail = "scenario " + label + ": "
                    + (node.hasSeparateWorker() ? "api (beside a separate worker)" : "standalone")
                    + " on the embedded store killed with " + acknowledged.size() + " submissions answered 202 and "
                    + burst.unanswered() + " in flight (" + burst.refused() + " refused); " + beforeKill
                    + " final outcomes acknowledged before the kill ("
                    + burst.seenFinal().size() + " shown to a reader"
                    + (node.hasSeparateWorker() ? ", " + answered2xx + " callbacks answered 2xx" : "") + "); "
                    + findings.outcomesKept() + " of " + findings.outcomes()
                    + " acknowledged outcomes kept after the restart";
            return new Result(findings, detail);
        }
    }

    /** Every final callback the separate Worker saw answered 2xx, as that job's acknowledged outcome; returns how many. */
    private static int addCallbacksAnswered2xx(EmbeddedNode node, List<String> ids, Map<String, Set<Outcome>> outcomes)
            throws Exception {
        int answered = 0;
        for (String id : ids) {
            JsonNode job = node.workerJob(id);
            JsonNode delivery = job == null ? null : job.path("delivery");
            if (delivery != null
                    && delivery.path("state").asText().equals("delivered")
                    && delivery.path("lastStatus").asInt() / 100 == 2) {
                outcomes.computeIfAbsent(id, k -> new HashSet<>()).add(Outcome.ofCallback(job.path("callback")));
                answered++;
            }
        }
        return answered;
    }
}
