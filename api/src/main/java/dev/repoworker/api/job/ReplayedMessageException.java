package dev.repoworker.api.job;

/** A signed message whose {@code webhook-id} was already recorded: a copy of a request already acted on. */
public final class ReplayedMessageException extends RuntimeException {

    private final String messageId;

    public ReplayedMessageException(String messageId) {
        super("webhook-id " + messageId + " was already received; a replayed request is refused "
                + "(sign every request with a new webhook-id)");
        this.messageId = messageId;
    }

    public String messageId() {
        return messageId;
    }
}
