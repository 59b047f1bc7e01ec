/** Admission, execution and callbacks of jobs posted to {@code /process}. */
package dev.repoworker.worker.process;
