/** The wire contract between the API and the Worker, and the small shared rules: JSON, job ids, signatures, constant-time comparison and typed environment reading. */
package dev.repoworker.protocol;
