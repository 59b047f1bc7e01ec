package dev.repoworker.api.job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * A batch of callbacks in one transaction: webhook ids first (a copy of one seen before is a replay and is not
 * applied), then one fenced {@code UPDATE} per callback in JDBC batches (the job not final and, when the
 * callback names it, on its attempt), then one read to explain what was not applied, then the events.
 */
final class CallbackRows {

    private static final String OPEN = " WHERE id = :id AND status IN ('pending', 'dispatched', 'running')";
    private static final String FINAL = "UPDATE jobs SET status = :status, result_json = :result, error = :error, "
            + "processed_at = :processedAt, duration_ms = :durationMs, completed_at = :now, updated_at = :now, "
            + "lease_until = NULL, secrets_sealed = NULL, claim_token = NULL, due_at = NULL, version = version + 1"
            + OPEN;
    private static final String RUNNING =
            "UPDATE jobs SET status = 'running', lease_until = :leaseUntil, updated_at = :now, "
                    + "claim_token = NULL, due_at = NULL, version = version + 1" + OPEN;
    private static final String ON_ATTEMPT = " AND attempt = :attempt";

    private record Job(String status, int attempt, String task) {}

    private CallbackRows() {}

    static List<CallbackChange.Verdict> apply(Handle h, List<CallbackChange> changes) {
        CallbackChange.Verdict[] verdicts = new CallbackChange.Verdict[changes.size()];
        recordMessages(h, changes, verdicts);
        int[] applied = update(h, changes, verdicts);
        Map<String, Job> jobs = read(h, changes);
        List<EventRows.Entry> events = new ArrayList<>();
        List<String> unknownMessages = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            CallbackChange change = changes.get(i);
            Job job = jobs.get(change.jobId());
            if (verdicts[i] != null) {
                continue;
            }
            if (applied[i] == 1) {
                verdicts[i] = new CallbackChange.Verdict(
                        CallbackChange.Kind.APPLIED, "job is " + change.target(), job.task(), job.attempt());
                for (JobEvent event : change.events()) {
                    if (change.attempt() == null && job != null) {
                        event = new JobEvent(event.at(), event.type(), job.attempt(), event.message(), event.data());
                    }
                    events.add(new EventRows.Entry(change.jobId(), event));
                }
            } else if (job == null) {
                verdicts[i] = new CallbackChange.Verdict(
                        CallbackChange.Kind.UNKNOWN_JOB, "unknown job " + change.jobId(), null, 0);
                if (change.messageId() != null) {
                    unknownMessages.add(change.messageId());
                }
            } else {
                verdicts[i] = new CallbackChange.Verdict(
                        CallbackChange.Kind.IGNORED, whyIgnored(job, change), job.task(), job.attempt());
            }
        }
        EventRows.appendAll(h, events);
        if (!unknownMessages.isEmpty()) {
            // a callback for a job this store does not have is refused (404), not acted on: its id stays free
            h.createUpdate("DELETE FROM webhook_messages WHERE id IN (<ids>)")
                    .bindList("ids", unknownMessages)
                    .execute();
        }
        return List.of(verdicts);
    }

    private static String whyIgnored(Job job, CallbackChange change) {
        if (change.attempt() != null && change.attempt() != job.attempt()) {
            return "attempt " + change.attempt() + " is not the job's current attempt " + job.attempt();
        }
        return "job is already " + job.status();
    }

    /**
     * One multi-row insert; the primary key refuses an id seen before, by this replica or another, and
     * {@code DO NOTHING … RETURNING} names the ids that were new (the first copy of an id within the batch wins).
     */
    private static void recordMessages(Handle h, List<CallbackChange> changes, CallbackChange.Verdict[] verdicts) {
        List<Integer> signed = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            if (changes.get(i).messageId() != null) {
                signed.add(i);
            }
        }
        if (signed.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("INSERT INTO webhook_messages (id, received_at, expires_at) VALUES ");
        for (int k = 0; k < signed.size(); k++) {
            sql.append(k == 0 ? "" : ", ").append("(?, ?, ?)");
        }
        sql.append(" ON CONFLICT (id) DO NOTHING RETURNING id");
        var insert = h.createQuery(sql.toString());
        int position = 0;
        for (int i : signed) {
            CallbackChange change = changes.get(i);
            insert.bind(position++, change.messageId())
                    .bind(position++, change.now().toEpochMilli())
                    .bind(position++, change.messageExpiresAt().toEpochMilli());
        }
        Set<String> fresh = new HashSet<>(insert.mapTo(String.class).list());
        for (int i : signed) {
            if (!fresh.remove(changes.get(i).messageId())) {
                verdicts[i] = new CallbackChange.Verdict(
                        CallbackChange.Kind.REPLAYED, changes.get(i).messageId(), null, 0);
            }
        }
    }

    /** One JDBC batch per statement shape; returns the rows each callback changed (0 or 1). */
    private static int[] update(Handle h, List<CallbackChange> changes, CallbackChange.Verdict[] verdicts) {
        int[] applied = new int[changes.size()];
        Map<String, List<Integer>> byShape = new HashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            if (verdicts[i] == null) {
                CallbackChange change = changes.get(i);
                String shape =
                        (change.target().isFinal() ? FINAL : RUNNING) + (change.attempt() != null ? ON_ATTEMPT : "");
                byShape.computeIfAbsent(shape, k -> new ArrayList<>()).add(i);
            }
        }
        for (Map.Entry<String, List<Integer>> shape : byShape.entrySet()) {
            PreparedBatch batch = h.prepareBatch(shape.getKey());
            for (int i : shape.getValue()) {
                bind(batch, changes.get(i)).add();
            }
            int[] counts = batch.execute();
            for (int k = 0; k < counts.length; k++) {
                applied[shape.getValue().get(k)] = counts[k];
            }
        }
        return applied;
    }

    private static PreparedBatch bind(PreparedBatch batch, CallbackChange change) {
        batch.bind("id", change.jobId()).bind("now", change.now().toEpochMilli());
        if (change.attempt() != null) {
            batch.bind("attempt", change.attempt());
        }
        if (change.target().isFinal()) {
            batch.bind("status", change.target().wireName())
                    .bind("result", Columns.write(change.result()))
                    .bind("error", StoredText.of(change.error()))
                    .bind("processedAt", change.processedAt().toEpochMilli())
                    .bind("durationMs", change.durationMs());
        } else {
            batch.bind("leaseUntil", change.leaseUntil().toEpochMilli());
        }
        return batch;
    }

    private static Map<String, Job> read(Handle h, List<CallbackChange> changes) {
        List<String> ids =
                changes.stream().map(CallbackChange::jobId).distinct().toList();
        Map<String, Job> jobs = new HashMap<>();
        h.createQuery("SELECT id, status, attempt, task FROM jobs WHERE id IN (<ids>)")
                .bindList("ids", ids)
                .map((rs, ctx) -> Map.entry(
                        rs.getString("id"),
                        new Job(rs.getString("status"), rs.getInt("attempt"), rs.getString("task"))))
                .forEach(e -> jobs.put(e.getKey(), e.getValue()));
        return jobs;
    }
}
