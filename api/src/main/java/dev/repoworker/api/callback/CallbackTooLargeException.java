package dev.repoworker.api.callback;

/** A callback body larger than {@code MAX_CALLBACK_BYTES}: answered 413, naming the body. */
public final class CallbackTooLargeException extends RuntimeException {

    CallbackTooLargeException(long maxBytes) {
        super("the callback body is larger than " + maxBytes + " bytes (MAX_CALLBACK_BYTES)");
    }
}
