/** Semantic search over a finished job's embeddings index. */
package dev.repoworker.api.search;
