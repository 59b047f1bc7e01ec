/** The enrich-data task: Git history per post and the content database. */
package dev.repoworker.worker.enrich;
