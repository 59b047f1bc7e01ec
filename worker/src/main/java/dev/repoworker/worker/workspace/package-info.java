/** Per-job working folders and the file operations on them. */
package dev.repoworker.worker.workspace;
