/** Embeddings shared by both services: chunking, embedders, the cache, the vector index, related posts and semantic search. */
package dev.repoworker.embeddings;
