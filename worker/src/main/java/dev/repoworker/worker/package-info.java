/** The Worker service: its composition roots (HTTP service, one-shot job, local run), configuration and routes. */
package dev.repoworker.worker;
