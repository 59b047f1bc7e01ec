/** A small HTTP client of the API, for the launcher's {@code submit}, {@code status} and {@code search}. */
package dev.repoworker.api.client;
