package dev.repoworker.api;

import java.util.Map;

/** What a submission's body asks for: a task, its data, and whom the job belongs to (each may be null). */
record JobRequest(String task, Map<String, Object> data, String projectId, String userId) {

    private static final int MAX_KEY_LENGTH = 200;

    /** {@code POST /api/cloudrun/jobs}: {@code {task, data, projectId, userId}}; a complaint is a 400 naming its field. */
    static JobRequest read(Map<String, Object> body) {
        Object task = body.get("task");
        if (task != null && !(task instanceof String)) {
            throw ApiException.badRequest("task", "task must be a string");
        }
        return new JobRequest(
                (String) task,
                Requests.objectField(body, "data"),
                Requests.textField(body, "projectId", MAX_KEY_LENGTH),
                Requests.textField(body, "userId", MAX_KEY_LENGTH));
    }

    /** The original API's {@code POST /api/cloudrun/{task}}: the body is the task's data, which may name projectId and userId. */
    static JobRequest ofData(String task, Map<String, Object> data) {
        return new JobRequest(
                task,
                data,
                Requests.textField(data, "projectId", MAX_KEY_LENGTH),
                Requests.textField(data, "userId", MAX_KEY_LENGTH));
    }

    JobService.Submission submission(String idempotencyKey) {
        return new JobService.Submission(task, data, projectId, userId, idempotencyKey);
    }
}
