/** The legacy runners used when no Worker answers: the one-shot job process, and simulated jobs in development. */
package dev.repoworker.api.fallback;
