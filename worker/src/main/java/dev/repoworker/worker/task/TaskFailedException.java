package dev.repoworker.worker.task;

/** A task ended in failure; the message is safe to send in a callback (no secrets, no local paths). */
public class TaskFailedException extends Exception {

    public TaskFailedException(String message) {
        super(message);
    }

    public TaskFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
