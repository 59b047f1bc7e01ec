package dev.repoworker.worker.task;

/** The {@code task} field names no task this Worker runs. */
public final class UnknownTaskException extends Exception {

    public UnknownTaskException(String message) {
        super(message);
    }
}
