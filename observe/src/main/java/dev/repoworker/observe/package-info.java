/** Prometheus metrics and JSON error pages shared by both services. */
package dev.repoworker.observe;
