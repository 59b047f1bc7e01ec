/** The compute-embeddings task on the Worker. */
package dev.repoworker.worker.embeddings;
