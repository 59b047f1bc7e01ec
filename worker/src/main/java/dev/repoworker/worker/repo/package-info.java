/** Getting repositories: cloning with JGit or the git CLI under limits, and making repositories from templates on a Git host. */
package dev.repoworker.worker.repo;
