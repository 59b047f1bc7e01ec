/** What every task shares: the task interface, its data, its context, its errors and the registry. */
package dev.repoworker.worker.task;
