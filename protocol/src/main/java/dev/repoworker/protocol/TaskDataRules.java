package dev.repoworker.protocol;

import java.util.Map;

/**
 * The rules a task's {@code data} must follow, the same where a job is submitted (the API answers 400 at once)
 * and where it runs (the Worker). The Worker's tasks are the one definition; the launcher hands them to the API.
 * What depends on one Worker's own settings (its allowed hosts, what DNS says) is left to that Worker.
 */
@FunctionalInterface
public interface TaskDataRules {

    /** Accepts everything: an API started without the Worker's rules leaves them to the Worker. */
    TaskDataRules NONE = (task, data) -> {};

    /**
     * @param task a Worker task's wire name
     * @throws Violation naming the field ({@code task}, or {@code data.<name>}) and the problem
     */
    void check(String task, Map<String, Object> data) throws Violation;

    /** The field that breaks a rule, and a message that names it. */
    final class Violation extends Exception {
        private final String field;

        public Violation(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
