/** A task that does nothing, for checking the job path end to end. */
package dev.repoworker.worker.diagnostic;
