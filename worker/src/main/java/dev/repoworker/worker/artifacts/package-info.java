/** Where a job's artifacts go: the local folder or object storage, the manifest written last, and the cache policy of each file. */
package dev.repoworker.worker.artifacts;
