package dev.repoworker.worker.task;

/** A job's {@code data} is unusable: the field ({@code data.<name>}) and the problem. */
public final class InvalidTaskDataException extends Exception {

    private final String field;

    public InvalidTaskDataException(String field, String problem) {
        super("data." + field + " " + problem);
        this.field = "data." + field;
    }

    public String field() {
        return field;
    }
}
