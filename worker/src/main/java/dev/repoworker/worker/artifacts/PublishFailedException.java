package dev.repoworker.worker.artifacts;

import java.io.IOException;

/** The store refused the artifacts; the message is safe to report (it names the bucket and the store's error code). */
public final class PublishFailedException extends IOException {

    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
