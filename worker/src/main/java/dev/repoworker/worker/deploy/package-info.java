/** Deploys of a project's artifacts and the pointer to the one that serves. */
package dev.repoworker.worker.deploy;
