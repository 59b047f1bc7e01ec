/** Reads a job's published artifacts for the API, from the local artifacts folder or from object storage, with the traversal rules. */
package dev.repoworker.api.artifacts;
