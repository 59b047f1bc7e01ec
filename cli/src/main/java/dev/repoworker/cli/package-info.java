/** The {@code repo-worker} launcher: one picocli command per way to run the system. */
package dev.repoworker.cli;
