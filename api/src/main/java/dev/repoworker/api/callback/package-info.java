/** Receives the Worker's callbacks: authenticates them, parses the lenient wire shapes and applies them to the job records. */
package dev.repoworker.api.callback;
