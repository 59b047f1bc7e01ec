package dev.repoworker.embeddings;

import dev.repoworker.protocol.Progress;

/** Receives progress of {@link ComputeEmbeddings} (the Worker forwards it as {@code running} callbacks). */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = progress -> {};

    void report(Progress progress);
}
