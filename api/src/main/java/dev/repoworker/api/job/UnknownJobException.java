package dev.repoworker.api.job;

/** No job has this id. */
public final class UnknownJobException extends RuntimeException {
    public UnknownJobException(String jobId) {
        super("job " + jobId + " does not exist");
    }
}
