/** Sends jobs to the Worker from the durable outbox, retries them, and reconciles jobs whose callback never came. */
package dev.repoworker.api.dispatch;
