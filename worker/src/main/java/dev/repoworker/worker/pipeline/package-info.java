/** Pipelines: tasks made of steps that share one workspace and report progress per step. */
package dev.repoworker.worker.pipeline;
